package dev.tocsin.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.tocsin.auth.CurrentActor;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/backup} (admin scope): a consistent copy of the embedded database, as a zip download. */
@RestController
class BackupController {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Backups backups;
    private final Clock clock;

    BackupController(Backups backups, Clock clock) {
        this.backups = backups;
        this.clock = clock;
    }

    @GetMapping("/api/v1/backup")
    void download(HttpServletResponse response) throws IOException {
        Path zip = backups.take(CurrentActor.get());
        try {
            response.setContentType("application/zip");
            response.setContentLengthLong(Files.size(zip));
            response.setHeader("Content-Disposition",
                    "attachment; filename=\"tocsin-backup-" + STAMP.format(clock.instant()) + ".zip\"");
            response.setHeader("Cache-Control", "no-store");
            try (OutputStream out = response.getOutputStream()) {
                Files.copy(zip, out);
            }
        } finally {
            Files.deleteIfExists(zip);
        }
    }
}
