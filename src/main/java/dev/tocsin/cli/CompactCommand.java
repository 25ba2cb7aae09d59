package dev.tocsin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tocsin compact}: shrinks the embedded database file of a stopped Tocsin. H2 writes every commit as a new
 * chunk and frees a chunk only once nothing in it is live, so under sustained writes the file grows far beyond its
 * data (docs/deployment.md#disk); {@code SHUTDOWN COMPACT} rewrites it with only the live pages.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = "Shrink the embedded H2 database file of a stopped Tocsin (run it while Tocsin is stopped).")
final class CompactCommand implements Callable<Integer> {

    @ParentCommand
    TocsinCli root;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR",
            description = "the data folder (default: TOCSIN_DATA_DIR, or ./data)")
    Path dataDir;

    @Override
    public Integer call() {
        EmbeddedDatabaseFile database = EmbeddedDatabaseFile.of(root, dataDir);
        Path file = database.file();
        long before = size(file);
        try (Connection c = database.open(root.env("TOCSIN_DB_USER", "sa"), root.env("TOCSIN_DB_PASSWORD", ""), "",
                "compact")) {
            c.createStatement().execute("SHUTDOWN COMPACT");
        } catch (SQLException e) {
            throw new CliFailure(CliFailure.REFUSED, "cannot compact " + file + ": " + e.getMessage());
        }
        long after = size(file);
        if (!root.printedJson(Map.of("file", file.toString(), "bytes_before", before, "bytes_after", after))) {
            root.out().printf("Compacted %s: %s -> %s.%n", file, size(before), size(after));
        }
        return 0;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.REFUSED, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** "12 MB", or "196 KB" for a file under a megabyte (which "0 MB" would hide). */
    static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format(Locale.ROOT, "%,d MB", bytes >> 20)
                : String.format(Locale.ROOT, "%,d KB", (bytes + 1023) >> 10);
    }
}
