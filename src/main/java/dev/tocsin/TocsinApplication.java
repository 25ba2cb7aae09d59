package dev.tocsin;

import dev.tocsin.ops.StartupClassPreloader;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Tocsin: alerts, incidents, on-call and status in one program. */
@SpringBootApplication
public class TocsinApplication {

    public static void main(String[] args) {
        StartupClassPreloader.start(TocsinApplication.class.getClassLoader());
        SpringApplication.run(TocsinApplication.class, args);
    }
}
