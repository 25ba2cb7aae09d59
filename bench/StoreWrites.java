import java.io.Writer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreTool;

/**
 * What the embedded H2 store writes per commit, by table and index: a page-write profile of the intake.
 *
 * <p>H2's store writes each commit as a new chunk holding every page the commit changed (copy-on-write), and a chunk is
 * never changed afterwards. So the newest chunks of a copy of a live database file are exactly what the latest commits
 * wrote. This reads them with H2's own {@code MVStoreTool.dump}, and names each map: {@code table.N} and {@code index.N}
 * through {@code DB_OBJECT_ID} on the database itself, map 0 is the store's layout (the metadata of every chunk).
 *
 * <pre>
 *   java -cp h2.jar bench/StoreWrites.java COPY.mv.db DATABASE [CHUNKS]
 * </pre>
 * COPY is a copy of the live file taken under load ({@code BENCH_STORE_COPY_AT} in {@code bench/run-ingest.sh}), DATABASE
 * the database path without {@code .mv.db}, opened once the server has stopped, CHUNKS how many of the newest chunks to
 * read (default 400). Reads files only; no network.
 */
public class StoreWrites {

    private static final Pattern CHUNK = Pattern.compile("chunkHeader chunk:[0-9a-f]+,.*?len:([0-9a-f]+),.*?version:([0-9a-f]+)");
    private static final int BLOCK_SIZE = 4096;
    private static final Pattern PAGE = Pattern.compile("^\\+[0-9a-f]+ (node|leaf), map ([0-9a-f]+), \\d+ entries, (\\d+) bytes");

    record Key(long version, int map, boolean leaf) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java -cp h2.jar bench/StoreWrites.java COPY.mv.db DATABASE [CHUNKS]");
            System.exit(2);
        }
        String copy = args[0];
        int chunks = args.length > 2 ? Integer.parseInt(args[2]) : 400;

        Map<String, String> objects = objectNames(args[1]);
        Map<Integer, String> mapNames;
        try {
            mapNames = mapNames(copy, objects);
        } catch (RuntimeException halfWritten) {
            // The copy's newest chunk was being written when it was taken. A map keeps its id for its lifetime, so the
            // stopped database, the same file minutes later, names the same maps.
            mapNames = mapNames(args[1] + ".mv.db", objects);
        }
        Collector collector = new Collector();
        MVStoreTool.dump(copy, new LineWriter(collector::accept), true);
        Map<Key, long[]> pages = collector.pages;

        List<Long> versions = pages.keySet().stream().map(Key::version).distinct().sorted().toList();
        List<Long> newest = versions.subList(Math.max(0, versions.size() - chunks), versions.size());
        long from = newest.get(0);
        Map<String, long[]> byMap = new TreeMap<>();
        long totalPages = 0;
        long totalBytes = 0;
        for (Map.Entry<Key, long[]> e : pages.entrySet()) {
            if (e.getKey().version() < from) {
                continue;
            }
            String name = mapNames.getOrDefault(e.getKey().map(), "map " + Integer.toHexString(e.getKey().map()));
            long[] sum = byMap.computeIfAbsent(name + (e.getKey().leaf() ? "  leaf" : "  node"), k -> new long[2]);
            sum[0] += e.getValue()[0];
            sum[1] += e.getValue()[1];
            totalPages += e.getValue()[0];
            totalBytes += e.getValue()[1];
        }
        int n = newest.size();
        System.out.printf(Locale.ROOT, "%d newest chunks (versions %d-%d): %.1f pages, %.1f KB per chunk%n",
                n, from, newest.get(n - 1), (double) totalPages / n, totalBytes / 1024.0 / n);
        System.out.printf(Locale.ROOT, "%-52s %12s %12s %7s%n", "map", "pages/chunk", "KB/chunk", "bytes");
        long bytes = totalBytes;
        byMap.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .forEach(e -> System.out.printf(Locale.ROOT, "%-52s %12.1f %12.1f %6.1f%%%n", e.getKey(),
                        (double) e.getValue()[0] / n, e.getValue()[1] / 1024.0 / n, 100.0 * e.getValue()[1] / bytes));
    }

    /** Sums the pages of the dump by chunk, map and page type. */
    private static final class Collector {
        final Map<Key, long[]> pages = new HashMap<>();
        private long version = -1;
        private long chunkBytes;

        void accept(String line) {
            if (line.startsWith("+")) {
                Matcher page = PAGE.matcher(line);
                // A copy taken while H2 writes can end in a half-written chunk: a "page" longer than its chunk is that.
                if (page.find() && version >= 0 && Long.parseLong(page.group(3)) <= chunkBytes) {
                    long[] sum = pages.computeIfAbsent(new Key(version, Integer.parseInt(page.group(2), 16),
                            page.group(1).equals("leaf")), k -> new long[2]);
                    sum[0]++;
                    sum[1] += Long.parseLong(page.group(3));
                }
            } else if (line.contains("chunkHeader")) {
                Matcher chunk = CHUNK.matcher(line);
                if (chunk.find()) {
                    chunkBytes = Long.parseLong(chunk.group(1), 16) * BLOCK_SIZE;
                    version = Long.parseLong(chunk.group(2), 16);
                }
            }
        }
    }

    /** Map id to a readable name: {@code table.N} and {@code index.N} become the SQL table and index names. */
    private static Map<Integer, String> mapNames(String file, Map<String, String> objects) {
        Map<Integer, String> names = new HashMap<>();
        names.put(0, "(store layout: chunk metadata)");
        MVStore store = new MVStore.Builder().fileName(file).readOnly().open();
        try {
            MVMap<String, String> meta = store.getMetaMap();
            for (String key : meta.keySet()) {
                if (key.startsWith("name.")) {
                    String name = key.substring("name.".length());
                    names.put(Integer.parseInt(meta.get(key), 16), objects.getOrDefault(name, name));
                }
            }
        } finally {
            store.close();
        }
        return names;
    }

    /** {@code table.<id>} and {@code index.<id>} to SQL names, from the database's own catalogue. */
    private static Map<String, String> objectNames(String database) throws SQLException {
        Map<String, String> names = new HashMap<>();
        String url = "jdbc:h2:file:" + database + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            try (ResultSet rs = c.createStatement().executeQuery("""
                    SELECT table_name, DB_OBJECT_ID('TABLE', table_schema, table_name) FROM information_schema.tables
                    WHERE table_schema = 'public'""")) {
                while (rs.next()) {
                    names.put("table." + rs.getInt(2), rs.getString(1) + " (rows)");
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("""
                    SELECT table_name, index_name, DB_OBJECT_ID('INDEX', index_schema, index_name)
                    FROM information_schema.indexes WHERE table_schema = 'public'""")) {
                while (rs.next()) {
                    names.put("index." + rs.getInt(3), rs.getString(1) + "." + rs.getString(2));
                }
            }
        }
        return names;
    }

    /** Hands the dump's output on line by line, without holding the whole of it (gigabytes for a large file). */
    private static final class LineWriter extends Writer {
        private final Consumer<String> lines;
        private final StringBuilder line = new StringBuilder();

        LineWriter(Consumer<String> lines) {
            this.lines = lines;
        }

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (buf[i] == '\n') {
                    lines.accept(line.toString());
                    line.setLength(0);
                } else {
                    line.append(buf[i]);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
