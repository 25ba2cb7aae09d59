package dev.tocsin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;

/**
 * Writes the way the intake does, one small transaction per event with rows updated at random, which is what makes
 * an embedded H2 file grow far past its data (docs/deployment.md#disk) and what makes H2 reuse the space it frees.
 */
public final class FragmentedWrites implements AutoCloseable {

    private final Connection c;
    private final PreparedStatement insert;
    private final PreparedStatement hit;
    private final Random random = new Random(3);
    private int rows;

    /** Creates table {@code growth} on {@code c}. */
    public FragmentedWrites(Connection c) throws SQLException {
        this.c = c;
        c.createStatement().execute("CREATE TABLE growth (id BIGINT PRIMARY KEY, hits INT, note VARCHAR(200))");
        this.insert = c.prepareStatement("INSERT INTO growth VALUES (?, 0, ?)");
        this.hit = c.prepareStatement("UPDATE growth SET hits = hits + 1 WHERE id = ?");
    }

    /** Creates table {@code growth} and fills it with {@code commits} commits: {@code commits} rows, as many hits. */
    public static void write(Connection c, int commits) throws SQLException {
        try (FragmentedWrites writes = new FragmentedWrites(c)) {
            writes.commit(commits);
        }
    }

    /** {@code commits} more commits, each a new row at the end of the table and a hit on a row taken at random. */
    public void commit(int commits) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (int k = 0; k < commits; k++) {
                rows++;
                insert.setLong(1, rows);
                insert.setString(2, "an alert summary of some length, number " + rows);
                insert.executeUpdate();
                hit.setLong(1, 1 + random.nextInt(rows));
                hit.executeUpdate();
                c.commit();
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        hit.close();
    }
}
