package dev.tocsin.oncall;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Writes an iCalendar (RFC 5545) feed of on-call shifts: CRLF line ends, TEXT values escaped (section 3.3.11) and
 * content lines folded at 75 octets without splitting a UTF-8 character (section 3.1).
 */
final class ICalendarWriter {

    /** One VEVENT. {@code uid} must stay the same across refreshes, so calendars update events instead of adding. */
    record Event(String uid, Instant start, Instant end, String summary, String description) {
    }

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_OCTETS = 75;

    private ICalendarWriter() {
    }

    static String write(String calendarName, List<Event> events, Instant stamp) {
        StringBuilder out = new StringBuilder();
        line(out, "BEGIN:VCALENDAR");
        line(out, "VERSION:2.0");
        line(out, "PRODID:-//Tocsin//On-call//EN");
        line(out, "CALSCALE:GREGORIAN");
        line(out, "METHOD:PUBLISH");
        line(out, "X-WR-CALNAME:" + escape(calendarName));
        // Ask subscribers (Google Calendar, Outlook, Apple) to refresh hourly; each honours one of the two.
        line(out, "REFRESH-INTERVAL;VALUE=DURATION:PT1H");
        line(out, "X-PUBLISHED-TTL:PT1H");
        for (Event e : events) {
            line(out, "BEGIN:VEVENT");
            line(out, "UID:" + escape(e.uid()));
            line(out, "DTSTAMP:" + UTC.format(stamp));
            line(out, "DTSTART:" + UTC.format(e.start()));
            line(out, "DTEND:" + UTC.format(e.end()));
            line(out, "SUMMARY:" + escape(e.summary()));
            line(out, "DESCRIPTION:" + escape(e.description()));
            line(out, "TRANSP:TRANSPARENT");
            line(out, "END:VEVENT");
        }
        if (events.isEmpty()) {
            // A calendar needs one component or more (RFC 5545, section 3.6), and strict readers refuse one without:
            // the time zone the events would be in stands in for them while nobody is on call.
            line(out, "BEGIN:VTIMEZONE");
            line(out, "TZID:UTC");
            line(out, "BEGIN:STANDARD");
            line(out, "DTSTART:19700101T000000");
            line(out, "TZOFFSETFROM:+0000");
            line(out, "TZOFFSETTO:+0000");
            line(out, "TZNAME:UTC");
            line(out, "END:STANDARD");
            line(out, "END:VTIMEZONE");
        }
        line(out, "END:VCALENDAR");
        return out.toString();
    }

    /**
     * TEXT escaping: backslash, semicolon, comma and line breaks. Other control characters (a layer name sent to the
     * API may hold any) have no escape in TEXT and make the whole feed invalid to strict readers, so they are left out;
     * a tab is allowed as it is.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case ';' -> out.append("\\;");
                case ',' -> out.append("\\,");
                case '\n' -> out.append("\\n");
                case '\r' -> {
                    if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                        out.append("\\n");
                    }
                }
                default -> {
                    if (c == '\t' || (c >= 0x20 && c != 0x7f)) {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Appends one content line, folded: at most 75 octets per physical line, continuations start with a space. */
    private static void line(StringBuilder out, String content) {
        int octets = 0;
        int limit = MAX_OCTETS;
        for (int i = 0; i < content.length(); ) {
            int codePoint = content.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + size > limit) {
                out.append("\r\n ");
                octets = 0;
                limit = MAX_OCTETS - 1; // the leading space counts
            }
            out.appendCodePoint(codePoint);
            octets += size;
            i += Character.charCount(codePoint);
        }
        out.append("\r\n");
    }
}
