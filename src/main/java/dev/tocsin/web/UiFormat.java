package dev.tocsin.web;

import java.time.Duration;
import java.time.Instant;

import dev.tocsin.config.Durations;
import dev.tocsin.timeline.TimelineText;
import org.springframework.stereotype.Component;

/** Times and durations as the signed-in pages write them ({@code ${@uiFormat.time(…)}} in a template): UTC, to the minute. */
@Component("uiFormat")
class UiFormat {

    public String time(Instant at) {
        return at == null ? "" : TimelineText.time(at);
    }

    public String iso(Instant at) {
        return at == null ? "" : at.toString();
    }

    public String duration(Duration d) {
        return d == null ? "" : Durations.format(d);
    }

    /** An integration key shown without its secret: only the last four characters, enough to tell keys apart. */
    public String mask(String key) {
        if (key == null) {
            return "";
        }
        return key.length() <= 8 ? "••••" : "••••••••" + key.substring(key.length() - 4);
    }
}
