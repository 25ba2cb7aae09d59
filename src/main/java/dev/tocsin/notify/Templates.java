package dev.tocsin.notify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.tocsin.config.ConfigException;
import dev.tocsin.config.SeverityScale;
import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Component;

/**
 * The words of every message: Mustache templates from the file, else the seeds' defaults ({@link DefaultTemplates}).
 * A template is chosen by kind and severity; variables are escaped for the format of the channel that will show
 * them, so an incident title cannot smuggle Slack mentions, Discord markdown or HTML into a message.
 */
@Component
class Templates {

    /** How the rendered text will be shown; decides how variables are escaped. */
    enum Format {
        PLAIN, SLACK, DISCORD, TEAMS, HTML;

        String escape(String raw) {
            return switch (this) {
                case PLAIN -> raw;
                // Slack's mrkdwn needs exactly these three escaped; "<!channel>" and "<@U…>" become harmless text.
                case SLACK -> raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
                case DISCORD -> DISCORD_MARKDOWN.matcher(raw).replaceAll("\\\\$0");
                // Adaptive Card markdown has no escape character: a zero-width space after a marker breaks it invisibly.
                case TEAMS -> TEAMS_MARKDOWN.matcher(raw).replaceAll("$0\u200B");
                case HTML -> raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("\"", "&quot;").replace("'", "&#39;");
            };
        }

        /**
         * A link Tocsin made itself: markdown escapes would become part of it (a browser reads Discord's {@code \_}
         * as {@code /_}, Teams' zero-width space cuts it short), and a signed token has {@code _} and {@code -}. Slack
         * and HTML still need theirs: there {@code &amp;} is how an ampersand is written.
         */
        String escapeLink(String url) {
            return this == DISCORD || this == TEAMS ? url : escape(url);
        }
    }

    /** A variable whose value is a URL Tocsin built (the public URL and a path or signed token), not anybody's text. */
    private record Link(String url) implements CharSequence {

        @Override
        public int length() {
            return url.length();
        }

        @Override
        public char charAt(int index) {
            return url.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return url.subSequence(start, end);
        }

        @Override
        public String toString() {
            return url;
        }
    }

    /** A message in words: {@code subject} is one line of plain text (e-mail subject, chat title). */
    record Rendered(String subject, String text) {
    }

    /** Discord's markdown lets a backslash escape any punctuation; these are the markers and mentions. */
    private static final Pattern DISCORD_MARKDOWN = Pattern.compile("[\\\\*_~`|>#\\[\\]()@]");
    private static final Pattern TEAMS_MARKDOWN = Pattern.compile("[*_\\[]");
    private static final Pattern MISSING_VARIABLE = Pattern.compile("No (?:method or field|key) with name '([^']+)'.*?line (\\d+)");

    private record Key(String kind, String severity) {
    }

    private record Source(String subject, String text) {
    }

    private final Map<Key, Source> sources = new HashMap<>();
    private final Map<Key, Map<Format, Compiled>> compiled = new HashMap<>();
    private final SeverityScale severities;

    private record Compiled(Template subject, Template text) {
    }

    Templates(TocsinConfig config, MessageFacts facts) {
        Map<String, Object> sample = facts.sample();
        this.severities = config.severities();
        DefaultTemplates.all(severities).forEach(t -> sources.put(new Key(t.kind(), t.severity()),
                new Source(t.subject(), t.text())));
        List<String> problems = new ArrayList<>();
        List<TocsinConfig.Template> declared = config.notifications().templates();
        for (int i = 0; i < declared.size(); i++) {
            TocsinConfig.Template t = declared.get(i);
            String path = "templates[" + i + "]";
            check(path + ".subject", t.subject(), sample, problems);
            check(path + ".text", t.text(), sample, problems);
            Key key = new Key(t.kind(), t.severity());
            Source fallback = sources.getOrDefault(new Key(t.kind(), null), sources.get(key));
            sources.put(key, new Source(t.subject() != null ? t.subject() : fallback.subject(), t.text()));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(config.source(), problems);
        }
        sources.forEach((key, source) -> {
            Map<Format, Compiled> byFormat = new HashMap<>();
            for (Format f : Format.values()) {
                Mustache.Compiler c = compiler(f).defaultValue("");
                byFormat.put(f, new Compiled(Mustache.compiler().escapeHTML(false).defaultValue("").compile(source.subject()),
                        c.compile(source.text())));
            }
            compiled.put(key, byFormat);
        });
    }

    /** The template text in effect for a kind and severity, and where it came from. */
    Map<String, Object> describe(String kind, String severity) {
        Key key = key(kind, severity);
        Source s = sources.get(key);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", kind);
        out.put("severity", key.severity() == null ? "all" : key.severity());
        out.put("subject", s.subject());
        out.put("text", s.text());
        return out;
    }

    Rendered render(String kind, String severity, Map<String, Object> facts, Format format) {
        Compiled c = compiled.get(key(kind, severity)).get(format);
        String subject = c.subject().execute(facts).replaceAll("\\s*\\R\\s*", " ").strip();
        return new Rendered(subject, c.text().execute(links(facts)).strip());
    }

    /** The facts with the URLs Tocsin built ({@code acknowledge_url}, {@code incident_url}, …) marked as links. */
    private static Map<String, Object> links(Map<String, Object> facts) {
        Map<String, Object> out = new LinkedHashMap<>(facts);
        out.replaceAll((name, value) -> name.endsWith("_url") && value instanceof String url && !url.isEmpty()
                ? new Link(url) : value);
        return out;
    }

    private Key key(String kind, String severity) {
        Key specific = new Key(kind, severity);
        if (sources.containsKey(specific)) {
            return specific;
        }
        Key general = new Key(kind, null);
        if (!sources.containsKey(general)) {
            throw new IllegalArgumentException("no template of kind '" + kind + "'");
        }
        return general;
    }

    /** Compiles with strict variables against facts of every kind, so a typo is refused at start-up. */
    private static void check(String path, String text, Map<String, Object> sample, List<String> problems) {
        if (text == null) {
            return;
        }
        try {
            compiler(Format.PLAIN).compile(text).execute(sample);
        } catch (MustacheException e) {
            Matcher m = MISSING_VARIABLE.matcher(String.valueOf(e.getMessage()));
            problems.add(path + ": " + (m.find()
                    ? "unknown variable '" + m.group(1) + "' on line " + m.group(2) + ", expected one of "
                    + sample.keySet().stream().sorted().toList()
                    : "not a valid template: " + e.getMessage()));
        }
    }

    private static Mustache.Compiler compiler(Format format) {
        return Mustache.compiler().nullValue("").emptyStringIsFalse(true).zeroIsFalse(false)
                // A Link stays a Link up to the escaper, which alone knows the format.
                .withFormatter(value -> value instanceof Link link ? link : String.valueOf(value))
                .withEscaper(new Mustache.Escaper() {
                    @Override
                    public String escape(String raw) {
                        return format.escape(raw);
                    }

                    @Override
                    public CharSequence escape(CharSequence raw) {
                        return raw instanceof Link link ? format.escapeLink(link.url()) : format.escape(raw.toString());
                    }
                });
    }
}
