package dev.tocsin.web;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.tocsin.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node stops promptly while a signed-in page holds its live stream open: the stream is ended first, instead of
 * the graceful shutdown waiting out its whole phase for a request that never ends by itself.
 */
class LiveStreamShutdownTest {

    @TempDir
    Path data;

    @Test
    void anOpenLiveStreamDoesNotHoldTheStop() throws Exception {
        // A phase long enough that waiting it out could not pass for a prompt stop.
        ConfigurableApplicationContext node = TestNodes.start(data, null, "--spring.lifecycle.timeout-per-shutdown-phase=60s");
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        HttpResponse<Stream<String>> stream = browser.lines("/ui/events");
        assertThat(stream.statusCode()).isEqualTo(200);
        Iterator<String> lines = stream.body().iterator();
        assertThat(lines.next()).isEqualTo("event:hello");
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> {
            while (lines.hasNext()) {
                lines.next();
            }
            return true;
        });

        long start = System.nanoTime();
        node.close();
        Duration stop = Duration.ofNanos(System.nanoTime() - start);
        assertThat(stop).as("the stop, not held by the open stream").isLessThan(Duration.ofSeconds(15));
        assertThat(ended.get(5, TimeUnit.SECONDS)).as("the browser sees its stream end").isTrue();
    }
}
