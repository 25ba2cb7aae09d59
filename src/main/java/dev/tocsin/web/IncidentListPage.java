package dev.tocsin.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tocsin.config.Durations;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentFilter;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.incident.IncidentStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Every incident, newest first, fifty to a page: open, resolved or all, by service and severity. The dashboard shows
 * what is open now; this is where a responder looks up last week's incident, as in PagerDuty's incident list.
 */
@Controller
class IncidentListPage {

    static final int PAGE = 50;
    private static final Map<String, Set<IncidentStatus>> SHOWN = Map.of(
            "open", EnumSet.complementOf(EnumSet.of(IncidentStatus.RESOLVED)),
            "resolved", EnumSet.of(IncidentStatus.RESOLVED),
            "all", Set.of());

    /** One row: {@code took} is how long it has been open, or how long it took to resolve. */
    record Row(long id, String title, String severity, int rank, String serviceId, String status, Instant openedAt,
               String took) {
    }

    private final IncidentService incidents;
    private final TocsinConfig config;
    private final Clock clock;

    IncidentListPage(IncidentService incidents, TocsinConfig config, Clock clock) {
        this.incidents = incidents;
        this.config = config;
        this.clock = clock;
    }

    @GetMapping("/ui/incidents")
    String list(@RequestParam(defaultValue = "all") String status, @RequestParam(defaultValue = "") String service,
                @RequestParam(defaultValue = "") String severity, @RequestParam(defaultValue = "") String before,
                Model model) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (!SHOWN.containsKey(status)) {
            errors.put("status", "expected open, resolved or all, got '" + status + "'");
        }
        incidents.filterProblems(service.isEmpty() ? null : service, severity.isEmpty() ? null : severity)
                .forEach(problem -> errors.put(problem.field(), problem.message()));
        Long beforeId = null;
        if (!before.isEmpty()) {
            try {
                beforeId = Long.parseLong(before);
            } catch (NumberFormatException e) {
                errors.put("before", "an incident number, got '" + before + "'");
            }
        }
        IncidentService.Page page = errors.isEmpty() ? incidents.page(new IncidentFilter(SHOWN.get(status),
                service.isEmpty() ? null : service, severity.isEmpty() ? null : severity, null, null, beforeId, PAGE))
                : new IncidentService.Page(List.of(), null);
        Instant now = clock.instant();
        model.addAttribute("rows", page.incidents().stream().map(i -> row(i, now)).toList());
        model.addAttribute("older", page.nextBefore());
        model.addAttribute("filter", Map.of("status", status, "service", service, "severity", severity));
        model.addAttribute("paged", beforeId != null);
        model.addAttribute("errors", errors);
        model.addAttribute("services", config.services());
        model.addAttribute("severities", config.severities().levels());
        return "incidents";
    }

    private Row row(Incident i, Instant now) {
        String took = i.resolvedAt() == null ? "open " + UiController.age(i.openedAt(), now)
                : resolvedAfter(Duration.between(i.openedAt(), i.resolvedAt()));
        return new Row(i.id(), i.title(), i.severity(), config.severities().rank(i.severity()), i.serviceId(),
                i.status().wire(), i.openedAt(), took);
    }

    /** To the minute: seconds say nothing about an incident. */
    private static String resolvedAfter(Duration d) {
        return d.toMinutes() < 1 ? "resolved within a minute"
                : "resolved after " + Durations.format(Duration.ofMinutes(d.toMinutes()));
    }
}
