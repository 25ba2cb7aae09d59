package dev.tocsin.cli;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Copies every table of a Tocsin database into a PostgreSQL database with the same migrations applied, generically:
 * the tables, their columns and their foreign keys come from the databases' metadata, so a table that a new migration
 * adds is copied without a line here. Rows are streamed and written in batches, so memory does not grow with the
 * timeline; everything is written in one transaction of the target, so a failed copy leaves no data behind.
 */
final class DatabaseCopy {

    /**
     * Tables that are not copied, and why. Every other table of the source is: a test fails when a table is neither
     * copied nor named here. No table of Tocsin holds only one node's cache (each is shared by every node of a
     * PostgreSQL installation), so only the migrations' own history is left out.
     */
    static final Map<String, String> NOT_COPIED = Map.of(
            "flyway_schema_history", "the target's own, written by the migrations that built it");

    /** The table of db-scheduler's timers, whose claims by the stopped node are released in the copy. */
    private static final String TIMERS = "scheduled_tasks";

    /** One table's rows on each side, counted after the copy committed. */
    record TableCount(String table, long source, long target) {
        boolean equal() {
            return source == target;
        }
    }

    /** An identity column of the target and the next value its sequence now gives. */
    record SequenceStart(String table, String column, long next) {
    }

    /** What was copied: the tables in the order written, the sequences set, and the timers waiting to fire. */
    record Copied(List<String> tables, long rows, List<SequenceStart> sequences, long pendingTimers) {
    }

    /** The source and target do not have the same tables or columns: different versions of Tocsin built them. */
    static final class SchemaMismatch extends RuntimeException {
        SchemaMismatch(String message) {
            super(message);
        }
    }

    private final Connection source;
    private final Connection target;
    private final int batchSize;

    DatabaseCopy(Connection source, Connection target, int batchSize) {
        this.source = source;
        this.target = target;
        this.batchSize = batchSize;
    }

    /** The base tables of a connection's current schema, by name. */
    static Set<String> tables(Connection connection) throws SQLException {
        Set<String> tables = new TreeSet<>();
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = CURRENT_SCHEMA AND table_type = 'BASE TABLE'""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }

    /**
     * Copies every table into the target, whose migrations are applied and which holds nothing but what they wrote
     * (that is removed first), sets the target's sequences past the copied ids, and commits.
     */
    Copied copy() throws SQLException {
        List<String> order = tablesInForeignKeyOrder(copiedTables());
        Map<String, List<String>> columns = new LinkedHashMap<>();
        for (String table : order) {
            columns.put(table, sameColumns(table));
        }
        target.setAutoCommit(false);
        try {
            // The migrations' own rows (the timeline's head at genesis): the source's take their place.
            List<String> childrenFirst = new ArrayList<>(order);
            Collections.reverse(childrenFirst);
            for (String table : childrenFirst) {
                try (Statement s = target.createStatement()) {
                    s.executeUpdate("DELETE FROM " + quote(table));
                }
            }
            long rows = 0;
            for (String table : order) {
                rows += copyRows(table, columns.get(table));
            }
            long pendingTimers = releaseTimers(order);
            List<SequenceStart> sequences = setSequencesPastCopiedIds();
            target.commit();
            return new Copied(order, rows, sequences, pendingTimers);
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        } finally {
            target.setAutoCommit(true);
        }
    }

    /** Each copied table's rows in the source and in the target. */
    List<TableCount> counts(List<String> tables) throws SQLException {
        List<TableCount> counts = new ArrayList<>();
        for (String table : tables) {
            counts.add(new TableCount(table, count(source, table), count(target, table)));
        }
        return counts;
    }

    private Set<String> copiedTables() throws SQLException {
        Set<String> inSource = tables(source);
        Set<String> inTarget = tables(target);
        inSource.removeAll(NOT_COPIED.keySet());
        inTarget.removeAll(NOT_COPIED.keySet());
        if (!inSource.equals(inTarget)) {
            Set<String> onlySource = new TreeSet<>(inSource);
            onlySource.removeAll(inTarget);
            Set<String> onlyTarget = new TreeSet<>(inTarget);
            onlyTarget.removeAll(inSource);
            throw new SchemaMismatch("the two databases do not have the same tables (only in the H2 database: "
                    + onlySource + "; only in the target: " + onlyTarget + ")");
        }
        return inSource;
    }

    /** The table's columns, which must be the same on both sides; in the target's order. */
    private List<String> sameColumns(String table) throws SQLException {
        List<String> inTarget = columns(target, table);
        List<String> inSource = columns(source, table);
        if (!new TreeSet<>(inTarget).equals(new TreeSet<>(inSource))) {
            throw new SchemaMismatch("table " + table + " has columns " + inSource + " in the H2 database but "
                    + inTarget + " in the target");
        }
        return inTarget;
    }

    private static List<String> columns(Connection connection, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = CURRENT_SCHEMA AND table_name = ? ORDER BY ordinal_position""")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        return columns;
    }

    /** Parents before children, by the target's foreign keys; ties by name, so that every run copies alike. */
    private List<String> tablesInForeignKeyOrder(Set<String> tables) throws SQLException {
        Map<String, Set<String>> parents = new TreeMap<>();
        DatabaseMetaData meta = target.getMetaData();
        for (String table : tables) {
            Set<String> of = new TreeSet<>();
            try (ResultSet rs = meta.getImportedKeys(null, target.getSchema(), table)) {
                while (rs.next()) {
                    String parent = rs.getString("PKTABLE_NAME");
                    if (!parent.equals(table) && tables.contains(parent)) {
                        of.add(parent);
                    }
                }
            }
            parents.put(table, of);
        }
        List<String> order = new ArrayList<>();
        Set<String> placed = new TreeSet<>();
        Deque<String> ready = new ArrayDeque<>();
        while (order.size() < tables.size()) {
            parents.forEach((table, of) -> {
                if (!placed.contains(table) && placed.containsAll(of) && !ready.contains(table)) {
                    ready.add(table);
                }
            });
            if (ready.isEmpty()) {
                Set<String> left = new TreeSet<>(tables);
                left.removeAll(placed);
                throw new SchemaMismatch("the foreign keys between " + left + " form a cycle; copy-database cannot order them");
            }
            while (!ready.isEmpty()) {
                String table = ready.poll();
                order.add(table);
                placed.add(table);
            }
        }
        return order;
    }

    private long copyRows(String table, List<String> columns) throws SQLException {
        String list = columns.stream().map(DatabaseCopy::quote).collect(Collectors.joining(", "));
        String insert = "INSERT INTO " + quote(table) + " (" + list + ") VALUES ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        int[] types = targetTypes(table, columns);
        long rows = 0;
        try (Statement read = source.createStatement();
             PreparedStatement write = target.prepareStatement(insert)) {
            // The source streams (LAZY_QUERY_EXECUTION): only one batch of rows is held at a time.
            read.setFetchSize(batchSize);
            try (ResultSet rs = read.executeQuery("SELECT " + list + " FROM " + quote(table))) {
                int pending = 0;
                while (rs.next()) {
                    for (int i = 0; i < columns.size(); i++) {
                        Object value = rs.getObject(i + 1);
                        if (value == null) {
                            write.setNull(i + 1, types[i]);
                        } else {
                            write.setObject(i + 1, value);
                        }
                    }
                    write.addBatch();
                    rows++;
                    if (++pending == batchSize) {
                        write.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    write.executeBatch();
                }
            }
        }
        return rows;
    }

    private int[] targetTypes(String table, List<String> columns) throws SQLException {
        Map<String, Integer> byName = new TreeMap<>();
        try (ResultSet rs = target.getMetaData().getColumns(null, target.getSchema(), table, null)) {
            while (rs.next()) {
                byName.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("DATA_TYPE"));
            }
        }
        return columns.stream().mapToInt(byName::get).toArray();
    }

    /**
     * Releases db-scheduler's claims: a timer the stopped node had picked would otherwise wait for db-scheduler to
     * declare that node dead (four missed heartbeats, 20 minutes by default) before any node fires it. Returns how
     * many timers wait to fire.
     */
    private long releaseTimers(List<String> tables) throws SQLException {
        if (!tables.contains(TIMERS)) {
            return 0;
        }
        try (Statement s = target.createStatement()) {
            s.executeUpdate("UPDATE " + TIMERS + " SET picked = FALSE, picked_by = NULL, last_heartbeat = NULL WHERE picked");
        }
        return count(target, TIMERS);
    }

    /**
     * Sets every identity column's sequence past the highest id copied, and past the next value H2 would have given
     * (ids of rows deleted at the end are not given again, as they would not have been on H2).
     */
    private List<SequenceStart> setSequencesPastCopiedIds() throws SQLException {
        List<SequenceStart> set = new ArrayList<>();
        List<String[]> identities = new ArrayList<>();
        try (Statement s = target.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT table_name, column_name FROM information_schema.columns
                     WHERE table_schema = CURRENT_SCHEMA AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')
                     ORDER BY table_name, column_name""")) {
            while (rs.next()) {
                identities.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] identity : identities) {
            String table = identity[0];
            String column = identity[1];
            long next = Math.max(highest(table, column) + 1, h2NextIdentity(table, column));
            try (PreparedStatement s = target.prepareStatement("SELECT setval(pg_get_serial_sequence(?, ?), ?, false)")) {
                s.setString(1, quote(table));
                s.setString(2, column);
                s.setLong(3, next);
                s.executeQuery().close();
            }
            set.add(new SequenceStart(table, column, next));
        }
        return set;
    }

    private long highest(String table, String column) throws SQLException {
        try (Statement s = target.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(" + quote(column) + "), 0) FROM " + quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The value H2's identity would have given next; 1 where the column has none in H2. */
    private long h2NextIdentity(String table, String column) throws SQLException {
        try (PreparedStatement s = source.prepareStatement("""
                SELECT identity_base FROM information_schema.columns
                WHERE table_schema = CURRENT_SCHEMA AND table_name = ? AND column_name = ? AND is_identity = 'YES'""")) {
            s.setString(1, table);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Math.max(rs.getLong(1), 1) : 1;
            }
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + quote(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Table and column names come from the databases' metadata; quoted, a name such as {@code data} is only a name. */
    private static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
