package dev.tocsin.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.monitor.MaintenanceWindows;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.problem.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Maintenance windows: those in progress, to come and of the last 30 days; a form that schedules one for one or more
 * services through the same service (and checks) as {@code POST /api/v1/maintenance-windows}; and cancelling one.
 */
@Controller
class MaintenancePages {

    private static final Duration PAST = Duration.ofDays(30);
    /** What a datetime-local field sends: a wall time without zone, read as UTC (the page says so). */
    private static final Pattern LOCAL = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?");

    private final MaintenanceWindows windows;
    private final TocsinConfig config;
    private final Clock clock;

    MaintenancePages(MaintenanceWindows windows, TocsinConfig config, Clock clock) {
        this.windows = windows;
        this.config = config;
        this.clock = clock;
    }

    @GetMapping("/ui/maintenance")
    String page(Model model) {
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", Map.of("service", List.of(), "start", "", "end", "", "reason", ""));
        }
        return render(model);
    }

    @PostMapping("/ui/maintenance")
    String schedule(@RequestParam(name = "service", required = false) List<String> services,
                    @RequestParam(defaultValue = "") String start, @RequestParam(defaultValue = "") String end,
                    @RequestParam(defaultValue = "") String reason, Model model, RedirectAttributes flash,
                    jakarta.servlet.http.HttpServletResponse response) {
        List<String> chosen = services == null ? List.of() : services;
        try {
            List<MaintenanceWindows.Entry> made = windows.schedule(chosen, instant(start), instant(end), reason,
                    CurrentActor.get());
            flash.addFlashAttribute("done", "Scheduled maintenance for " + String.join(", ",
                    made.stream().map(w -> serviceName(w.serviceId())).toList()) + ".");
            return "redirect:/ui/maintenance";
        } catch (InvalidInputException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(f -> errors.merge(f.field(), f.message(), (a, b) -> a + "; " + b));
            model.addAttribute("errors", errors);
            model.addAttribute("form", Map.of("service", chosen, "start", start, "end", end, "reason", reason));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return render(model);
        }
    }

    @PostMapping("/ui/maintenance/{id}/cancel")
    String cancel(@PathVariable long id, RedirectAttributes flash) {
        try {
            windows.cancel(id, CurrentActor.get());
            flash.addFlashAttribute("done", "Cancelled maintenance window " + id + ".");
        } catch (NotFoundException e) {
            flash.addFlashAttribute("failed", e.getMessage());
        }
        return "redirect:/ui/maintenance";
    }

    private String render(Model model) {
        Instant now = clock.instant();
        List<MaintenanceWindows.Entry> all = windows.since(now.minus(PAST));
        model.addAttribute("active", all.stream().filter(w -> "active".equals(w.state())).toList());
        model.addAttribute("upcoming", all.stream().filter(w -> "upcoming".equals(w.state())).toList());
        model.addAttribute("past", all.stream().filter(w -> "past".equals(w.state()))
                .sorted((a, b) -> b.endsAt().compareTo(a.endsAt())).toList());
        model.addAttribute("services", config.services());
        return "maintenance";
    }

    /** A form's time as the service takes it: a datetime-local value is UTC; anything else goes as typed. */
    private static String instant(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return null;
        }
        if (LOCAL.matcher(t).matches()) {
            return (t.length() == 16 ? t + ":00" : t) + "Z";
        }
        return t;
    }

    private String serviceName(String id) {
        return config.service(id).map(TocsinConfig.Service::name).orElse(id);
    }
}
