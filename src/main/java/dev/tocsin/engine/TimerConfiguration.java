package dev.tocsin.engine;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

/**
 * Builds the db-scheduler instance behind {@link Timers}: one one-time task per {@link TimerHandler}, our injected
 * {@link Clock} (so tests move time instead of sleeping), and the transaction-aware data source (so setting a timer
 * joins the caller's transaction).
 */
@Configuration(proxyBeanMethods = false)
class TimerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TimerConfiguration.class);

    /** Timers carry everything in their instance id; nothing is ever serialised. */
    private static final Serializer NO_DATA = new Serializer() {
        @Override
        public byte[] serialize(Object data) {
            return data == null ? null : data.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T deserialize(Class<T> type, byte[] bytes) {
            return bytes == null ? null : (T) new String(bytes, StandardCharsets.UTF_8);
        }
    };

    @Bean
    Map<String, OneTimeTask<Void>> timerTasks(List<TimerHandler> handlers) {
        Map<String, OneTimeTask<Void>> tasks = new LinkedHashMap<>();
        for (TimerHandler handler : handlers) {
            OneTimeTask<Void> task = Tasks.oneTime(handler.name())
                    // A failure is almost always the database being briefly unavailable: try again soon, then less often.
                    .onFailure(new FailureHandler.ExponentialBackoffFailureHandler<>(Duration.ofSeconds(1), 2.0))
                    .execute((instance, context) -> handler.fire(instance.getId(), context.getExecution().executionTime));
            if (tasks.put(handler.name(), task) != null) {
                throw new IllegalStateException("two timer handlers are named '" + handler.name() + "'");
            }
        }
        return tasks;
    }

    /** Stopped for good when the context closes, after the lifecycle below has paused it. */
    @Bean(destroyMethod = "stop")
    Scheduler timerScheduler(DataSource dataSource, Map<String, OneTimeTask<Void>> timerTasks, Clock clock,
                             @Value("${tocsin.timers.polling-interval:500ms}") Duration pollingInterval,
                             @Value("${tocsin.timers.threads:4}") int threads,
                             @Value("${tocsin.node-name:}") String nodeName) {
        List<Task<?>> tasks = List.copyOf(timerTasks.values());
        var builder = Scheduler.create(new TransactionAwareDataSourceProxy(dataSource), tasks)
                .clock(clock::instant)
                .serializer(NO_DATA)
                .pollingInterval(pollingInterval)
                .threads(threads)
                .enableImmediateExecution()
                .alwaysPersistTimestampInUTC()
                .shutdownMaxWait(Duration.ofSeconds(10));
        if (!nodeName.isBlank()) {
            builder.schedulerName(new SchedulerName.Fixed(nodeName));
        }
        return builder.build();
    }

    @Bean
    Timers timers(Scheduler timerScheduler, Map<String, OneTimeTask<Void>> timerTasks) {
        return new Timers(timerScheduler, timerTasks);
    }

    /**
     * Starts polling once the context (and with it Flyway) is ready. A stopped context (Spring pauses idle cached
     * contexts, and a db-scheduler cannot start twice) only pauses polling; it resumes on the next start.
     */
    @Bean
    SmartLifecycle timerLifecycle(Scheduler timerScheduler, @Value("${tocsin.timers.enabled:true}") boolean enabled) {
        return new SmartLifecycle() {
            private volatile boolean running;
            private boolean started;

            @Override
            public synchronized void start() {
                if (!enabled) {
                    return;
                }
                if (started) {
                    timerScheduler.resume();
                } else {
                    timerScheduler.start();
                    started = true;
                    log.info("event=timers.started");
                }
                running = true;
            }

            @Override
            public synchronized void stop() {
                if (running) {
                    timerScheduler.pause();
                    running = false;
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }
}
