package dev.tocsin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and docs/ link to each other's sections by GitHub's heading anchors, which change whenever a heading does
 * (a date added to a title broke two links once). Every relative link must name a file that exists and, for a
 * Markdown file, a heading it has.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** {@code [text](target)} and {@code ![alt](target)}; a target has no spaces or closing parenthesis. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    /** A URL (https:, mailto:, ...) rather than a path in the repository. */
    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    /** Maps whose keys are the user's data (severity ids, label names, header names), not fields of the file. */
    private static final Set<String> KEYED_BY_DATA = Set.of("severity_map", "labels", "headers", "settings",
            "escalation_policies[].severities");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern SECTION = Pattern.compile("^### (.*)$");

    private final Map<Path, Set<String>> anchors = new HashMap<>();

    /**
     * The example configuration says every field of it is documented in docs/configuration.md: each field must be
     * named, in backticks, in the prose of the section of its top-level key ({@code ### `routing`} for
     * {@code routing.rules[].name}), where a reader looking it up would look.
     */
    @Test
    void everyFieldOfTheExampleConfigurationIsInItsSectionOfConfigurationMd() throws IOException {
        JsonNode example = new YAMLMapper().readTree(Files.readString(ROOT.resolve("examples/tocsin.yml")));
        Map<String, Set<String>> sections = codeWordsBySection(ROOT.resolve("docs/configuration.md"));
        List<String> undocumented = new ArrayList<>();
        for (Map.Entry<String, JsonNode> top : example.properties()) {
            Set<String> words = sections.get(top.getKey());
            if (words == null) {
                undocumented.add(top.getKey() + " (no section)");
            } else {
                fieldsOf(top.getValue(), top.getKey(), words, undocumented);
            }
        }
        assertThat(sections).as("sections found").containsKeys("severities", "routing", "monitors");
        assertThat(undocumented).as("fields of examples/tocsin.yml that docs/configuration.md does not name").isEmpty();
    }

    private static void fieldsOf(JsonNode node, String path, Set<String> words, List<String> undocumented) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                fieldsOf(item, path + "[]", words, undocumented);
            }
        } else if (node.isObject() && !KEYED_BY_DATA.contains(path) && !KEYED_BY_DATA.contains(last(path))) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String fieldPath = path + "." + field.getKey();
                if (!words.contains(field.getKey()) && !undocumented.contains(fieldPath)) {
                    undocumented.add(fieldPath);
                }
                fieldsOf(field.getValue(), fieldPath, words, undocumented);
            }
        }
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** For each {@code ###} section, keyed by every top-level key its heading names: the words of its code spans. */
    private static Map<String, Set<String>> codeWordsBySection(Path doc) {
        Map<String, Set<String>> sections = new HashMap<>();
        Set<String> current = null;
        for (String line : proseLines(doc)) {
            Matcher heading = SECTION.matcher(line);
            if (heading.matches()) {
                current = new HashSet<>();
                Matcher key = CODE_SPAN.matcher(heading.group(1));
                while (key.find()) {
                    sections.put(key.group(1), current);
                }
            } else if (line.startsWith("## ")) {
                current = null;
            } else if (current != null) {
                Matcher span = CODE_SPAN.matcher(line);
                while (span.find()) {
                    for (String word : span.group(1).split("[^A-Za-z0-9_]+")) {
                        current.add(word);
                    }
                }
            }
        }
        return sections;
    }

    @Test
    void everyRelativeLinkInTheDocsResolves() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path doc : docs) {
            for (String target : relativeLinks(doc)) {
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path linked = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!Files.exists(linked)) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
                } else if (hash >= 0 && linked.toString().endsWith(".md")
                        && !anchorsOf(linked).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading in " + ROOT.relativize(linked) + ")");
                }
            }
        }
        assertThat(checked).as("relative links found").isGreaterThan(50);
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void anchorsAreGithubsSlugs() {
        assertThat(slug("H2 2.5 and the store header (2026-12-05)")).isEqualTo("h2-25-and-the-store-header-2026-12-05");
        assertThat(slug("JDK 25 again, and where the writers' CPU goes (later; nothing shipped in `src/`)"))
                .isEqualTo("jdk-25-again-and-where-the-writers-cpu-goes-later-nothing-shipped-in-src");
        assertThat(slug("Ingestion (`/v2/enqueue`)")).isEqualTo("ingestion-v2enqueue");
    }

    /** Links in the prose (not in fenced code) that point into the repository, not to a URL. */
    private static List<String> relativeLinks(Path doc) {
        List<String> links = new ArrayList<>();
        for (String line : proseLines(doc)) {
            Matcher m = LINK.matcher(line);
            while (m.find()) {
                String target = m.group(1);
                if (!URL.matcher(target).find()) {
                    links.add(target);
                }
            }
        }
        return links;
    }

    private Set<String> anchorsOf(Path markdown) {
        return anchors.computeIfAbsent(markdown, p -> {
            Set<String> found = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            for (String line : proseLines(p)) {
                Matcher m = HEADING.matcher(line);
                if (m.matches()) {
                    String slug = slug(m.group(1));
                    int n = seen.merge(slug, 1, Integer::sum);
                    // GitHub numbers repeated headings: the second "Results" is #results-1.
                    found.add(n == 1 ? slug : slug + "-" + (n - 1));
                }
            }
            return found;
        });
    }

    /** GitHub's rule: lower case, drop everything but letters, digits, spaces, hyphens and underscores, spaces to hyphens. */
    private static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /** The lines outside fenced code blocks, where a {@code # comment} is no heading and a link is no link. */
    private static List<String> proseLines(Path p) {
        List<String> prose = new ArrayList<>();
        boolean inCode = false;
        try {
            for (String line : Files.readAllLines(p)) {
                if (line.stripLeading().startsWith("```")) {
                    inCode = !inCode;
                } else if (!inCode) {
                    prose.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prose;
    }
}
