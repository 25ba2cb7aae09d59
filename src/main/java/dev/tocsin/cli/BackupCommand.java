package dev.tocsin.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code tocsin backup}: downloads a consistent copy of the embedded database from a running Tocsin (admin key). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Download a backup of the embedded H2 database while Tocsin runs (an admin API key).")
final class BackupCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    @ParentCommand
    TocsinCli root;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write the zip (default: tocsin-backup-<time>.zip here)")
    Path output;

    @Override
    public Integer call() {
        Path target = output != null ? output : Path.of("tocsin-backup-" + STAMP.format(root.clock().instant()) + ".zip");
        if (Files.isDirectory(target)) {
            throw new CliFailure(CliFailure.USAGE, "--output " + target + " is a directory; name the file");
        }
        long bytes = root.api().download("/api/v1/backup", target);
        if (!root.printedJson(Map.of("file", target.toAbsolutePath().toString(), "bytes", bytes))) {
            root.out().printf("Backup written to %s (%,d bytes). Restore: stop Tocsin, unzip it into TOCSIN_DATA_DIR, start.%n",
                    target, bytes);
        }
        return 0;
    }
}
