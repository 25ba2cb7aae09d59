package dev.tocsin.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the processors, in their declared order, once per tick on one thread. A failing processor is logged and
 * counted; it never stops the others. Tests disable the loop and call {@link #runCycle()} with a clock they turn.
 */
@Component
public class Engine implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Engine.class);

    private final List<Processor> processors;
    private final MeterRegistry meters;
    private final Duration tick;
    private final boolean enabled;
    private ScheduledExecutorService loop;

    Engine(List<Processor> processors, MeterRegistry meters, @Value("${tocsin.engine.tick:1s}") Duration tick,
           @Value("${tocsin.engine.enabled:true}") boolean enabled) {
        this.processors = List.copyOf(processors);
        this.meters = meters;
        this.tick = tick;
        this.enabled = enabled;
    }

    public synchronized void runCycle() {
        for (Processor p : processors) {
            try {
                p.runCycle();
            } catch (RuntimeException e) {
                Counter.builder("tocsin.engine.failures").description("Background processor cycles that failed")
                        .tag("processor", p.name()).register(meters).increment();
                log.error("event=engine.processor_failed processor={} action=\"will retry next tick; check the database\"",
                        p.name(), e);
            }
        }
    }

    public List<String> processorNames() {
        return processors.stream().map(Processor::name).toList();
    }

    @Override
    public void start() {
        if (!enabled) {
            return;
        }
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-engine");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(this::runCycle, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        log.info("event=engine.started processors={} tick={}", processorNames(), tick);
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.shutdown();
            try {
                loop.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
