package dev.tocsin;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whole Tocsin nodes started in the test JVM, for tests that restart one or run several side by side: the test
 * configuration, a random port, the bootstrap admin key, processors driven by the test, and whatever else the test
 * passes ({@code --tocsin.monitors.enabled=false}, a PostgreSQL URL, …).
 */
public final class TestNodes {

    private TestNodes() {
    }

    /**
     * Starts a node on {@code dataDir}; with a {@code clock}, that clock is the node's. An argument in {@code more}
     * replaces the default of the same name ({@code --tocsin.config=...}).
     */
    public static ConfigurableApplicationContext start(Path dataDir, Clock clock, String... more) {
        TestReceivers.start();
        List<String> args = new ArrayList<>();
        for (String fallback : List.of("--server.port=0", "--tocsin.data-dir=" + dataDir,
                "--tocsin.config=classpath:test-tocsin.yml", "--tocsin.admin-key=" + Http.ADMIN_KEY,
                "--tocsin.engine.enabled=false")) {
            String name = fallback.substring(0, fallback.indexOf('=') + 1);
            if (Arrays.stream(more).noneMatch(arg -> arg.startsWith(name))) {
                args.add(fallback);
            }
        }
        args.addAll(List.of(more));
        SpringApplicationBuilder builder = new SpringApplicationBuilder(TocsinApplication.class);
        if (clock != null) {
            builder.initializers(ctx -> ctx.getBeanFactory().registerSingleton("testClock", clock));
        }
        return builder.run(args.toArray(String[]::new));
    }

    /** The arguments that put a node on an embedded PostgreSQL database. */
    public static String[] onPostgres(String url, String... more) {
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    public static Http http(ConfigurableApplicationContext node, String key) {
        return new Http(((WebServerApplicationContext) node).getWebServer().getPort(), key);
    }
}
