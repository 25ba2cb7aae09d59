package dev.tocsin.oncall;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ICalendarWriterTest {

    private static final Instant STAMP = Instant.parse("2026-03-01T10:00:00Z");

    private static String feed(String summary, String description) {
        return ICalendarWriter.write("On call", List.of(new ICalendarWriter.Event("primary-ana-1@tocsin",
                Instant.parse("2026-03-02T08:00:00Z"), Instant.parse("2026-03-09T08:00:00Z"), summary, description)), STAMP);
    }

    /** Undoes folding (RFC 5545 3.1) and TEXT escaping (3.3.11): what a calendar client reads back. */
    private static String read(String feed, String property) {
        String unfolded = feed.replace("\r\n ", "");
        for (String line : unfolded.split("\r\n")) {
            if (line.startsWith(property + ":")) {
                String value = line.substring(property.length() + 1);
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < value.length(); i++) {
                    char c = value.charAt(i);
                    if (c == '\\' && i + 1 < value.length()) {
                        char next = value.charAt(++i);
                        out.append(next == 'n' || next == 'N' ? '\n' : next);
                    } else {
                        out.append(c);
                    }
                }
                return out.toString();
            }
        }
        throw new AssertionError("no " + property + " in " + feed);
    }

    @Test
    void aShiftIsOneEventInUtcWithCrlfLineEnds() {
        String feed = feed("On call: Ana (primary)", "layer engineers");
        assertThat(feed).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tocsin//On-call//EN\r\n");
        assertThat(feed).contains("\r\nBEGIN:VEVENT\r\nUID:primary-ana-1@tocsin\r\nDTSTAMP:20260301T100000Z\r\n"
                + "DTSTART:20260302T080000Z\r\nDTEND:20260309T080000Z\r\nSUMMARY:On call: Ana (primary)\r\n");
        assertThat(feed).endsWith("END:VEVENT\r\nEND:VCALENDAR\r\n");
        assertThat(feed.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void textIsEscaped() {
        String feed = feed("a,b;c\\d", "line one\nline two");
        assertThat(feed).contains("SUMMARY:a\\,b\\;c\\\\d\r\n").contains("DESCRIPTION:line one\\nline two\r\n");
        assertThat(read(feed, "SUMMARY")).isEqualTo("a,b;c\\d");
        assertThat(read(feed, "DESCRIPTION")).isEqualTo("line one\nline two");
    }

    @Test
    void longLinesAreFoldedAt75OctetsWithoutSplittingACharacter() {
        String summary = "Bereitschaft für Zoë und Łukasz ✓ — " + "ünïcödé ".repeat(20) + "😀 end";
        String feed = feed(summary, "x");
        for (String physical : feed.split("\r\n")) {
            assertThat(physical.getBytes(StandardCharsets.UTF_8).length).as(physical).isLessThanOrEqualTo(75);
            assertThat(physical).doesNotContain("\uFFFD");
        }
        assertThat(feed).contains("\r\n ");
        assertThat(read(feed, "SUMMARY")).isEqualTo(summary);
    }

    @Test
    void foldingUsesTheWholeLineNotLess() {
        String feed = feed("x".repeat(200), "y");
        String first = feed.lines().filter(l -> l.startsWith("SUMMARY:")).findFirst().orElseThrow();
        assertThat(first).hasSize(75);
        assertThat(feed).contains("\r\n " + "x".repeat(74) + "\r\n");
    }
}
