package dev.tocsin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;

/**
 * Writes the way the intake does, one small transaction per event with rows updated at random, which is what makes
 * an embedded H2 file grow far past its data (docs/deployment.md#disk).
 */
public final class FragmentedWrites {

    private FragmentedWrites() {
    }

    /** Creates table {@code growth} and fills it with {@code commits} commits: {@code commits} rows, as many hits. */
    public static void write(Connection c, int commits) throws SQLException {
        c.createStatement().execute("CREATE TABLE growth (id BIGINT PRIMARY KEY, hits INT, note VARCHAR(200))");
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO growth VALUES (?, 0, ?)");
             PreparedStatement hit = c.prepareStatement("UPDATE growth SET hits = hits + 1 WHERE id = ?")) {
            Random random = new Random(3);
            for (int i = 1; i <= commits; i++) {
                insert.setLong(1, i);
                insert.setString(2, "an alert summary of some length, number " + i);
                insert.executeUpdate();
                hit.setLong(1, 1 + random.nextInt(i));
                hit.executeUpdate();
                c.commit();
            }
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
