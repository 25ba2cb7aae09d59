package dev.tocsin.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code tocsin backup}: downloads a consistent copy of the embedded database from a running Tocsin (admin key). */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Download a backup of the embedded H2 database while Tocsin runs (an admin API key).")
final class BackupCommand implements Callable<Integer> {

    @ParentCommand
    TocsinCli root;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write the zip (default: the name Tocsin gives, tocsin-backup-<time>.zip, here)")
    Path output;

    @Override
    public Integer call() {
        if (output != null && Files.isDirectory(output)) {
            throw new CliFailure(CliFailure.USAGE, "--output " + output + " is a directory; name the file");
        }
        Path file = root.api().download("/api/v1/backup", output);
        long bytes;
        try {
            bytes = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!root.printedJson(Map.of("file", file.toAbsolutePath().toString(), "bytes", bytes))) {
            root.out().printf("Backup written to %s (%,d bytes). "
                    + "Restore: stop Tocsin, unzip it into TOCSIN_DATA_DIR, start.%n", file, bytes);
        }
        return 0;
    }
}
