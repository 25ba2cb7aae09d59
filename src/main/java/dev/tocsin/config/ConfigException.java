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
}
