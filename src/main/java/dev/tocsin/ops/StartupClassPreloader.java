package dev.tocsin.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Loads, on a second thread, the classes that a start-up is known to need, so that reading and defining them runs
 * beside the main thread instead of in front of it. Loading classes from the jar is most of Tocsin's start-up
 * (docs/performance.md), and the main thread spends much of that time while the second core sits idle.
 *
 * <p>The list ({@value #LIST}) is recorded from a real start by {@code bench/startup-classes.sh}, in the order the
 * classes were first loaded. Classes are loaded but not initialised, so no static initialiser runs on this thread and
 * what the main thread does is unchanged; a class loader that is asked for a class twice at once loads it once. A name
 * the list has but the classpath no longer has is skipped: a stale list costs speed, never correctness.
 * {@code TOCSIN_PRELOAD_CLASSES=false} switches it off.
 */
public final class StartupClassPreloader {

    static final String LIST = "META-INF/tocsin/startup-classes.txt";

    private StartupClassPreloader() {
    }

    /**
     * Starts preloading on a daemon thread, unless switched off, the list is missing, or there is no second core to
     * run it on (on one core it would only take turns with the main thread); returns at once.
     */
    public static void start(ClassLoader loader) {
        String setting = System.getProperty("tocsin.preload-classes", System.getenv("TOCSIN_PRELOAD_CLASSES"));
        URL list = loader.getResource(LIST);
        if ("false".equalsIgnoreCase(setting) || list == null || Runtime.getRuntime().availableProcessors() < 2) {
            return;
        }
        Thread thread = new Thread(() -> preload(list, loader), "tocsin-preload");
        thread.setDaemon(true);
        thread.start();
    }

    /** Loads every class the list names that this loader can find; returns how many it loaded. */
    static int preload(URL list, ClassLoader loader) {
        int loaded = 0;
        try (BufferedReader names = new BufferedReader(new InputStreamReader(list.openStream(), StandardCharsets.UTF_8))) {
            for (String name = names.readLine(); name != null; name = names.readLine()) {
                if (!name.isBlank() && load(name.strip(), loader)) {
                    loaded++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + list, e);
        }
        return loaded;
    }

    private static boolean load(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false; // renamed or removed by an upgrade since the list was recorded
        }
    }
}
