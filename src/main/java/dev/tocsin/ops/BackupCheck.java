package dev.tocsin.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Restores a backup the way an operator would (unzipped into an empty folder, opened with the server's own database
 * settings) and looks for one timeline entry in it. A copy opens at the newest version H2 can find in it, which is not
 * necessarily the newest one committed (H2 2.5.252 lost the latest commits this way); checking that it holds the entry
 * recorded before the copy is what lets a backup promise everything acknowledged before it was asked for.
 */
final class BackupCheck {

    private BackupCheck() {
    }

    /**
     * Why the backup does not hold timeline entry {@code seq}, or {@code null} when it does.
     *
     * @param serverUrl the JDBC URL the server runs on; its settings (such as identifier case) are used to open the copy
     * @param workDir where the copy is unzipped; a folder made in it is removed before this returns
     */
    static String missing(Path zip, String serverUrl, long seq, Path workDir) {
        return missing(zip, serverUrl, "sa", "", seq, workDir);
    }

    /**
     * As {@link #missing(Path, String, long, Path)}, opening the copy as {@code user}: the copy holds the server's own
     * users, so it opens only with the credentials the server uses (TOCSIN_DB_USER, TOCSIN_DB_PASSWORD).
     */
    static String missing(Path zip, String serverUrl, String user, String password, long seq, Path workDir) {
        Path restored = null;
        try {
            restored = Files.createTempDirectory(workDir, "backup-check-");
            String database = unzip(zip, restored);
            if (database == null) {
                return "the zip holds no " + H2FileUrl.FILE_SUFFIX + " file";
            }
            try (Connection c = DriverManager.getConnection(restoredUrl(serverUrl, restored.resolve(database)), user,
                    password == null ? "" : password);
                 PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM timeline_event WHERE seq = ?")) {
                q.setLong(1, seq);
                try (ResultSet rs = q.executeQuery()) {
                    return rs.next() && rs.getLong(1) == 1 ? null : "timeline entry " + seq + " is not in the copy";
                }
            }
        } catch (IOException | SQLException e) {
            return "the copy does not open: " + e.getMessage();
        } finally {
            deleteTree(restored);
        }
    }

    /** Unzips into {@code into} and returns the database's name (the .mv.db file without its suffix), if any. */
    private static String unzip(Path zip, Path into) throws IOException {
        String database = null;
        try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                // H2 names the entries after its own files; keep only the last part of each all the same.
                Path name = Path.of(entry.getName()).getFileName();
                if (entry.isDirectory() || name == null) {
                    continue;
                }
                Files.copy(in, into.resolve(name.toString()));
                if (name.toString().endsWith(H2FileUrl.FILE_SUFFIX)) {
                    database = name.toString().substring(0, name.toString().length() - H2FileUrl.FILE_SUFFIX.length());
                }
            }
        }
        return database;
    }

    /**
     * {@code jdbc:h2:file:/data/tocsin;MODE=PostgreSQL;...} becomes the same settings on the restored copy, opened
     * read-only (nothing is written, so no recovery or compaction runs) and only if it exists.
     */
    static String restoredUrl(String serverUrl, Path database) {
        H2FileUrl server = H2FileUrl.parse(serverUrl);
        if (server == null) {
            throw new IllegalArgumentException("not an embedded H2 file URL: " + serverUrl);
        }
        String settings = server.settings().stream()
                .filter(setting -> !ownSetting(setting))
                .map(setting -> ";" + setting)
                .collect(Collectors.joining());
        return H2FileUrl.PREFIX + database.toAbsolutePath() + settings + ";IFEXISTS=TRUE;ACCESS_MODE_DATA=r";
    }

    /** Settings the check chooses itself (H2 refuses a setting given twice) or that would reach beyond the copy. */
    private static boolean ownSetting(String setting) {
        String key = setting.split("=", 2)[0].trim().toUpperCase(Locale.ROOT);
        return key.equals("IFEXISTS") || key.equals("ACCESS_MODE_DATA") || key.equals("AUTO_SERVER")
                || key.equals("AUTO_SERVER_PORT") || key.equals("INIT");
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
