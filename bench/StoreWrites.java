import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * What the embedded H2 store writes per commit, by table and index: a page-write profile of the intake.
 *
 * <p>H2's store writes each commit as a new chunk holding every page the commit changed (copy-on-write), and a chunk is
 * never changed afterwards. So the newest chunks of a copy of a live database file are exactly what the latest commits
 * wrote. This walks their pages (the format H2's {@code MVStoreTool.dump} reads), and names each map: {@code table.N}
 * and {@code index.N} through {@code DB_OBJECT_ID} on the database itself, map 0 is the store's layout (the metadata of every chunk).
 *
 * <pre>
 *   java -cp h2.jar bench/StoreWrites.java COPY.mv.db DATABASE [CHUNKS]
 * </pre>
 * COPY is a copy of the live file taken under load ({@code BENCH_STORE_COPY_AT} in {@code bench/run-ingest.sh}), DATABASE
 * the database path without {@code .mv.db}, opened once the server has stopped, CHUNKS how many of the newest chunks to
 * read (default 400). Reads files only; no network.
 */
public class StoreWrites {

    private static final int BLOCK_SIZE = 4096;

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
        Map<Key, long[]> pages = pagesByChunk(copy);

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

    /**
     * Sums the pages of every chunk in the file by version, map and page type. H2's own {@code MVStoreTool.dump} does
     * this too, but stops at the first stale chunk header it meets in space the store has reused (a header whose
     * bitmap was half overwritten), which a short retention time makes common; here such a block is skipped.
     */
    private static Map<Key, long[]> pagesByChunk(String file) throws IOException {
        Map<Key, long[]> pages = new HashMap<>();
        try (FileChannel channel = FileChannel.open(Path.of(file), StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer block = ByteBuffer.allocate(BLOCK_SIZE);
            for (long pos = 0; pos + BLOCK_SIZE <= size; ) {
                block.clear();
                channel.read(block, pos);
                Chunk chunk = block.get(0) == 'c' ? Chunk.parse(block.array()) : null;
                if (chunk == null || pos + (long) chunk.blocks() * BLOCK_SIZE > size) {
                    pos += BLOCK_SIZE;
                    continue;
                }
                ByteBuffer data = ByteBuffer.allocate(chunk.blocks() * BLOCK_SIZE);
                channel.read(data, pos);
                Map<Key, long[]> found = chunk.pages(data);
                if (found == null) {
                    pos += BLOCK_SIZE;
                    continue;
                }
                found.forEach((k, v) -> {
                    long[] sum = pages.computeIfAbsent(k, x -> new long[2]);
                    sum[0] += v[0];
                    sum[1] += v[1];
                });
                pos += (long) chunk.blocks() * BLOCK_SIZE;
            }
        }
        return pages;
    }

    /** A chunk header: {@code chunk:ID,block:..,len:BLOCKS,pages:N,...,version:V} up to a newline, all numbers hex. */
    private record Chunk(int blocks, int pageCount, long version, int headerLength) {

        static Chunk parse(byte[] block) {
            int max = Math.min(block.length, 1024);
            int end = 0;
            while (end < max && block[end] != '\n') {
                end++;
            }
            if (end == max) {
                return null;
            }
            String header = new String(block, 0, end, StandardCharsets.ISO_8859_1).trim();
            Matcher field = FIELD.matcher(header);
            Map<String, Long> fields = new HashMap<>();
            while (field.find()) {
                fields.put(field.group(1), Long.parseLong(field.group(2), 16));
            }
            if (!header.startsWith("chunk:") || !fields.containsKey("len") || !fields.containsKey("pages")
                    || !fields.containsKey("version") || fields.get("len") <= 0) {
                return null;
            }
            return new Chunk(fields.get("len").intValue(), fields.get("pages").intValue(), fields.get("version"), end + 1);
        }

        /** Pages by map and type, or null if this is not a whole chunk (a stale header, a half-written copy). */
        Map<Key, long[]> pages(ByteBuffer chunk) {
            Map<Key, long[]> pages = new HashMap<>();
            int p = headerLength;
            int limit = blocks * BLOCK_SIZE;
            for (int i = 0; i < pageCount; i++) {
                if (p + 11 > limit) {
                    return null;
                }
                // A page starts: length (int), check (short), page number, map id, entry count (varints), type.
                chunk.position(p);
                int pageSize = chunk.getInt();
                chunk.getShort();
                readVarInt(chunk);
                int map = readVarInt(chunk);
                readVarInt(chunk);
                int type = chunk.get();
                if (pageSize <= 0 || p + pageSize > limit) {
                    return null;
                }
                long[] sum = pages.computeIfAbsent(new Key(version, map, (type & 1) == 0), k -> new long[2]);
                sum[0]++;
                sum[1] += pageSize;
                p += pageSize;
            }
            return pages;
        }
    }

    private static final Pattern FIELD = Pattern.compile("(?:^|,)(len|pages|version):([0-9a-f]{1,15})(?=,|$)");

    private static int readVarInt(ByteBuffer buff) {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = buff.get();
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        return value;
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
}
