package dev.tocsin.notify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.TocsinConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Templates: the seeds' defaults, a team's own, typos refused at start-up, variables escaped per channel. */
class TemplatesTest {

    @TempDir
    Path dir;

    private TocsinConfig config(String templates) throws IOException {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, """
                severities:
                  - {id: SEV1, response_target: 5m, update_interval: 30m}
                  - {id: SEV2, response_target: 15m, update_interval: 30m}
                  - {id: SEV3, response_target: 1h}
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                """ + templates);
        return new ConfigLoader(name -> null).load(file.toString());
    }

    private static Templates templates(TocsinConfig config) {
        return new Templates(config, new MessageFacts(config, "http://tocsin.test"));
    }

    private static Map<String, Object> facts(String title) throws IOException {
        Map<String, Object> f = new MessageFacts(new ConfigLoader(name -> null).load("classpath:examples/tocsin.yml"),
                "http://tocsin.test").sample();
        f.replaceAll((k, v) -> "x"); // every variable a plain placeholder, so the words around them are what is tested
        f.put("title", title);
        f.put("severity", "SEV1");
        f.put("impact", null);
        return f;
    }

    @Test
    void theSeedTemplatesApplyToWhateverTheMostUrgentLevelsAreCalled() throws IOException {
        Templates templates = templates(config(""));
        String sev1 = templates.render("update", "SEV1", facts("API down"), Templates.Format.PLAIN).text();
        assertThat(sev1).startsWith("🚨 SEV1 INCIDENT: API down").contains("Impact: being assessed", "Status Page: x");
        assertThat(templates.render("update", "SEV2", facts("API slow"), Templates.Format.PLAIN).text()).startsWith("⚠️");
        assertThat(templates.render("update", "SEV3", facts("Typo"), Templates.Format.PLAIN).text())
                .startsWith("📊 INCIDENT UPDATE: Typo");
    }

    @Test
    void aTeamsOwnTemplateWinsForItsKindAndSeverity() throws IOException {
        Templates templates = templates(config("""
                templates:
                  - {kind: resolved, subject: "Fixed: {{title}}", text: "{{title}} fixed after {{duration}}"}
                  - {kind: update, severity: SEV3, text: "low: {{message}}"}
                """));
        Templates.Rendered resolved = templates.render("resolved", "SEV1", facts("API down"), Templates.Format.PLAIN);
        assertThat(resolved.subject()).isEqualTo("Fixed: API down");
        assertThat(resolved.text()).isEqualTo("API down fixed after x");
        assertThat(templates.render("update", "SEV3", facts("t"), Templates.Format.PLAIN).text()).isEqualTo("low: x");
        assertThat(templates.render("update", "SEV1", facts("t"), Templates.Format.PLAIN).text()).startsWith("🚨");
    }

    @Test
    void anUnknownVariableOrBrokenSyntaxIsRefusedAtStartUpWithItsPlace() throws IOException {
        TocsinConfig typo = config("""
                templates:
                  - kind: opened
                    text: |
                      New incident
                      {{titel}}
                  - {kind: update, text: "{{#message}}unclosed"}
                """);
        assertThatThrownBy(() -> templates(typo)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).satisfiesExactly(
                        p -> assertThat(p).startsWith("templates[0].text: unknown variable 'titel' on line 2, expected one of [acknowledge_url"),
                        p -> assertThat(p).startsWith("templates[1].text: not a valid template:")));
    }

    @Test
    void variablesAreEscapedForTheChannelThatShowsThem() throws IOException {
        Templates templates = templates(config("templates: [{kind: test, text: \"T: {{title}}\"}]"));
        String title = "<!channel> *bold* [x](http://evil) @everyone & <b>";
        assertThat(templates.render("test", null, facts(title), Templates.Format.SLACK).text())
                .isEqualTo("T: &lt;!channel&gt; *bold* [x](http://evil) @everyone &amp; &lt;b&gt;");
        assertThat(templates.render("test", null, facts(title), Templates.Format.DISCORD).text())
                .isEqualTo("T: <!channel\\> \\*bold\\* \\[x\\]\\(http://evil\\) \\@everyone & <b\\>");
        assertThat(templates.render("test", null, facts(title), Templates.Format.HTML).text())
                .isEqualTo("T: &lt;!channel&gt; *bold* [x](http://evil) @everyone &amp; &lt;b&gt;");
        assertThat(templates.render("test", null, facts(title), Templates.Format.TEAMS).text())
                .isEqualTo("T: <!channel> *\u200Bbold*\u200B [\u200Bx](http://evil) @everyone & <b>");
        assertThat(templates.render("test", null, facts(title), Templates.Format.PLAIN).text()).isEqualTo("T: " + title);
    }

    /**
     * A signed acknowledge token is base64url, with '_' and '-': escaped for Discord ('\_', which a browser reads as
     * '/_') or Teams (a zero-width space inside it), the link in the text leads nowhere. Links stay as they are there.
     */
    @Test
    void linksInTheTextAreNotEscapedWhereThatWouldBreakThem() throws IOException {
        Templates templates = templates(config(""));
        String ack = "http://tocsin.test/ack/eyJp_ZC-I6.M_Tx-9";
        Map<String, Object> f = facts("*bold* title");
        f.put("acknowledge_url", ack);
        f.put("incident_url", "http://tocsin.test/incidents/7");
        assertThat(templates.render("page", "SEV1", f, Templates.Format.DISCORD).text())
                .contains("\\*bold\\* title", "Acknowledge: " + ack + "\n", "Incident: http://tocsin.test/incidents/7");
        assertThat(templates.render("page", "SEV1", f, Templates.Format.TEAMS).text())
                .contains("*\u200Bbold*\u200B title", "Acknowledge: " + ack + "\n");
        f.put("acknowledge_url", ack + "?a=1&b=2");
        assertThat(templates.render("page", "SEV1", f, Templates.Format.SLACK).text())
                .as("Slack writes an ampersand as &amp;, in links too").contains("Acknowledge: " + ack + "?a=1&amp;b=2");
        assertThat(templates.render("page", "SEV1", f, Templates.Format.HTML).text()).contains(ack + "?a=1&amp;b=2");
    }
}
