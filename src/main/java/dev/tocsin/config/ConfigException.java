package dev.tocsin.config;

import java.util.List;

/** The configuration file cannot be used; each problem names the file, the field path and what was expected. */
public class ConfigException extends RuntimeException {

    private final String source;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(source + ": " + String.join("; ", problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() {
        return source;
    }

    public List<String> problems() {
        return problems;
    }

    /** The problems one per line, as start-up and {@code tocsin check --once} both print them. */
    public String report() {
        StringBuilder report = new StringBuilder("The configuration file ").append(source).append(" is invalid:");
        problems.forEach(p -> report.append(System.lineSeparator()).append("  - ").append(p));
        return report.toString();
    }
}
