package dev.tocsin.ops;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** An embedded H2 URL, {@code jdbc:h2:file:/data/tocsin;MODE=PostgreSQL;...}, split into its database and settings. */
record H2FileUrl(String database, List<String> settings) {

    static final String PREFIX = "jdbc:h2:file:";
    /** H2 keeps database {@code /data/tocsin} in {@code /data/tocsin.mv.db}. */
    static final String FILE_SUFFIX = ".mv.db";

    /** The parts of {@code url}, or null when it is not an embedded H2 file URL (PostgreSQL, an in-memory H2). */
    static H2FileUrl parse(String url) {
        if (url == null || !url.startsWith(PREFIX)) {
            return null;
        }
        String rest = url.substring(PREFIX.length());
        int options = rest.indexOf(';');
        if (options < 0) {
            return new H2FileUrl(rest, List.of());
        }
        List<String> settings = Arrays.stream(rest.substring(options + 1).split(";"))
                .filter(setting -> !setting.isBlank()).toList();
        return new H2FileUrl(rest.substring(0, options), settings);
    }

    Path file() {
        return Path.of(database + FILE_SUFFIX);
    }
}
