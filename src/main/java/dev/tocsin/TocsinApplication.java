package dev.tocsin;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Tocsin: alerts, incidents, on-call and status in one program. */
@SpringBootApplication
public class TocsinApplication {

    public static void main(String[] args) {
        SpringApplication.run(TocsinApplication.class, args);
    }
}
