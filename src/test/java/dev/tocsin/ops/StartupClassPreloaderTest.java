package dev.tocsin.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.tocsin.TocsinApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up preloader loads what its list names, initialises nothing, and its list still fits the classpath. */
class StartupClassPreloaderTest {

    static final AtomicBoolean CANARY_INITIALISED = new AtomicBoolean();

    /** A class whose static initialiser would tell if the preloader ran it. */
    static class Canary {
        static {
            CANARY_INITIALISED.set(true);
        }
    }

    @Test
    void loadsTheListedClassesWithoutInitialisingThemAndSkipsTheMissingOnes(@TempDir Path dir) throws IOException {
        Path list = Files.write(dir.resolve("classes.txt"),
                List.of(Canary.class.getName(), "", "dev.tocsin.NoSuchClass", "java.util.zip.Adler32"));
        Set<String> asked = ConcurrentHashMap.newKeySet();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };

        int loaded = StartupClassPreloader.preload(list.toUri().toURL(), recording);

        assertThat(loaded).isEqualTo(2);
        assertThat(asked).contains(Canary.class.getName(), "java.util.zip.Adler32", "dev.tocsin.NoSuchClass");
        assertThat(CANARY_INITIALISED).isFalse();
    }

    /** Nothing else would notice if {@code main} stopped starting it: start-up would only be slower. */
    @Test
    void mainStartsThePreloaderBeforeSpring() {
        JavaClass application = new ClassFileImporter().importClass(TocsinApplication.class);
        Map<String, Integer> lines = new HashMap<>();
        application.getMethod("main", String[].class).getMethodCallsFromSelf().forEach(call -> lines.put(
                call.getTarget().getOwner().getSimpleName() + "." + call.getTarget().getName(), call.getLineNumber()));

        assertThat(lines).containsKeys("StartupClassPreloader.start", "SpringApplication.run");
        assertThat(lines.get("StartupClassPreloader.start")).isLessThan(lines.get("SpringApplication.run"));
    }

    /**
     * The recorded list goes stale as dependencies change; stale names cost start-up time, not correctness, so this
     * only asks that nearly all of them are still there. When it fails: bench/startup-classes.sh, then commit.
     */
    @Test
    void theRecordedListStillNamesClassesOnTheClasspath() throws IOException {
        ClassLoader loader = getClass().getClassLoader();
        URL list = loader.getResource(StartupClassPreloader.LIST);
        assertThat(list).as(StartupClassPreloader.LIST).isNotNull();
        int listed = 0;
        int present = 0;
        try (BufferedReader names = new BufferedReader(new InputStreamReader(list.openStream(), StandardCharsets.UTF_8))) {
            for (String name = names.readLine(); name != null; name = names.readLine()) {
                listed++;
                if (loader.getResource(name.replace('.', '/') + ".class") != null) {
                    present++;
                }
            }
        }

        assertThat(listed).as("classes listed").isGreaterThan(5_000);
        assertThat(present).as("listed classes still on the classpath (regenerate with bench/startup-classes.sh)")
                .isGreaterThanOrEqualTo(listed * 95 / 100);
    }
}
