import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reproduces, with H2 alone, the lost update that Timeline's in-process lock works around (docs/deployment.md, "H2 and
 * rolled-back locks"): writers take a one-row head with SELECT ... FOR UPDATE, append rows numbered from it and move
 * it, or roll back after taking it. Sooner or later H2 2.3–2.5 hands a writer a head older than the rows already
 * committed, and the primary key refuses its first row; on some runs the head stays behind for good.
 *
 * <pre>
 * java -cp ~/.m2/repository/com/h2database/h2/2.4.240/h2-2.4.240.jar bench/H2LockRace.java [in-process-lock] [seconds]
 * </pre>
 *
 * Bounded: ten writers for at most {@code seconds} (default 30), stopping at the first collision. Prints the
 * transactions committed, the collisions, and the head against the highest row stored; deletes its database.
 */
public class H2LockRace {

    public static void main(String[] args) throws Exception {
        boolean inProcessLock = args.length > 0 && args[0].equals("in-process-lock");
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 30;
        Path dir = Files.createTempDirectory("h2-lock-race");
        String url = "jdbc:h2:file:" + dir + "/race;WRITE_DELAY=0;LOCK_TIMEOUT=10000";
        try (Connection setup = DriverManager.getConnection(url)) {
            setup.createStatement().execute("CREATE TABLE head (id INT PRIMARY KEY, seq BIGINT NOT NULL)");
            setup.createStatement().execute("CREATE TABLE entry (seq BIGINT PRIMARY KEY, data VARCHAR(200))");
            setup.createStatement().execute("INSERT INTO head VALUES (1, 0)");

            ReentrantLock lock = new ReentrantLock(true);
            AtomicLong committed = new AtomicLong();
            AtomicLong collisions = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 10; w++) {
                int writer = w;
                Thread t = new Thread(() -> write(url, writer, inProcessLock ? lock : null, deadline, stop, committed, collisions));
                t.start();
                writers.add(t);
            }
            for (Thread t : writers) {
                t.join();
            }
            ResultSet rs = setup.createStatement().executeQuery(
                    "SELECT (SELECT seq FROM head), (SELECT MAX(seq) FROM entry)");
            rs.next();
            System.out.printf("%s: %,d transactions committed, %d collisions, head %d, highest entry %d%s%n",
                    inProcessLock ? "in-process lock" : "row lock only", committed.get(), collisions.get(),
                    rs.getLong(1), rs.getLong(2), rs.getLong(1) < rs.getLong(2) ? " (the head lost an update)" : "");
        } finally {
            // A 20 s run writes about 2 GB of chunks.
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One writer: a third of its transactions take the head and roll back, the rest append five rows and move it. */
    private static void write(String url, int writer, ReentrantLock lock, long deadline, AtomicBoolean stop,
                              AtomicLong committed, AtomicLong collisions) {
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            PreparedStatement take = c.prepareStatement("SELECT seq FROM head WHERE id = 1 FOR UPDATE");
            PreparedStatement insert = c.prepareStatement("INSERT INTO entry VALUES (?, ?)");
            PreparedStatement move = c.prepareStatement("UPDATE head SET seq = ? WHERE id = 1");
            for (long i = 0; System.nanoTime() < deadline && !stop.get(); i++) {
                if (lock != null) {
                    lock.lock();
                }
                try (ResultSet rs = take.executeQuery()) {
                    rs.next();
                    long seq = rs.getLong(1);
                    if ((i + writer) % 3 == 0) {
                        c.rollback();
                        continue;
                    }
                    for (int k = 1; k <= 5; k++) {
                        insert.setLong(1, seq + k);
                        insert.setString(2, "writer " + writer);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    move.setLong(1, seq + 5);
                    move.executeUpdate();
                    c.commit();
                    committed.incrementAndGet();
                } catch (SQLException e) {
                    c.rollback();
                    if ("23505".equals(e.getSQLState()) || e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                        collisions.incrementAndGet();
                        stop.set(true);
                    } else {
                        throw e;
                    }
                } finally {
                    if (lock != null) {
                        lock.unlock();
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
