package dev.tocsin.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tocsin.alert.IncidentAlerts;
import dev.tocsin.alert.RecentChanges;
import dev.tocsin.auth.CurrentActor;
import dev.tocsin.config.Durations;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentRole;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.incident.IncidentStatus;
import dev.tocsin.incident.PublicTitles;
import dev.tocsin.incident.Publication;
import dev.tocsin.incident.Snoozes;
import dev.tocsin.monitor.MonitorStatus;
import dev.tocsin.notify.MessagePreviews;
import dev.tocsin.oncall.Escalations;
import dev.tocsin.oncall.WhoIsOnCall;
import dev.tocsin.problem.ConflictException;
import dev.tocsin.problem.InvalidInputException;
import dev.tocsin.timeline.Actor;
import dev.tocsin.timeline.TimelineEvent;
import dev.tocsin.timeline.TimelineText;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The signed-in web UI: the dashboard, the incident page (with the status update composer), schedules and monitors. Every action goes through the same services as the
 * API (so the timeline names the signed-in user), and a refused action comes back to the page with the reason next
 * to its field.
 */
@Controller
class UiController {

    /** One row of the dashboard's incident list. */
    /** {@code alerts}: how many alerts the incident has, and how many are open; null when none opened it. */
    record IncidentRow(long id, String title, String severity, int rank, String serviceId, String service, String status,
                       String age, boolean acknowledged, IncidentAlerts.Count alerts) {
    }

    /** An Alertmanager group's incident may hold thousands of alerts; the page lists the newest, the API has them all. */
    private static final int ALERTS_SHOWN = 50;
    /** The newest entries an incident's page shows; the API pages through all of them. */
    private static final int TIMELINE_SHOWN = 1000;
    /** What the page says after each form's action succeeded. */
    private static final Map<String, String> DONE = Map.ofEntries(Map.entry("declare", "Incident declared."),
            Map.entry("acknowledge", "Acknowledged."), Map.entry("note", "Note added."),
            Map.entry("update", "Status update posted."), Map.entry("resolve", "Incident resolved."),
            Map.entry("roles", "Role updated."), Map.entry("escalate", "Paged the next level."),
            Map.entry("snooze", "Snoozed."), Map.entry("severity", "Severity changed."),
            Map.entry("impact", "Impact updated."), Map.entry("public_title", "Public title saved."),
            Map.entry("status_page", "Status page choice saved."));

    private final IncidentService incidents;
    private final PublicTitles publicTitles;
    private final Publication publication;
    private final WhoIsOnCall onCall;
    private final MonitorStatus monitors;
    private final RecentChanges changes;
    private final IncidentAlerts incidentAlerts;
    private final MessagePreviews previews;
    private final Escalations escalations;
    private final Snoozes snoozes;
    private final TocsinConfig config;
    private final Clock clock;

    UiController(IncidentService incidents, PublicTitles publicTitles, Publication publication, WhoIsOnCall onCall, MonitorStatus monitors,
                 RecentChanges changes, IncidentAlerts incidentAlerts, MessagePreviews previews, Escalations escalations,
                 Snoozes snoozes, TocsinConfig config, Clock clock) {
        this.incidents = incidents;
        this.publicTitles = publicTitles;
        this.publication = publication;
        this.incidentAlerts = incidentAlerts;
        this.snoozes = snoozes;
        this.escalations = escalations;
        this.onCall = onCall;
        this.monitors = monitors;
        this.changes = changes;
        this.previews = previews;
        this.config = config;
        this.clock = clock;
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/dashboard")
    String dashboard(Model model) {
        Instant now = clock.instant();
        List<Incident> open = new ArrayList<>(incidents.open());
        open.sort(Comparator.comparingInt((Incident i) -> config.severities().rank(i.severity()))
                .thenComparing(Incident::openedAt));
        Map<Long, IncidentAlerts.Count> alertCounts = incidentAlerts.countsOf(open.stream().map(Incident::id).toList());
        model.addAttribute("incidents", open.stream().map(i -> new IncidentRow(i.id(), i.title(), i.severity(),
                config.severities().rank(i.severity()), i.serviceId(), serviceName(i.serviceId()), i.status().wire(),
                age(i.openedAt(), now), i.status().isAcknowledged(), alertCounts.get(i.id())))
                .toList());
        model.addAttribute("onCall", onCall.at(now));
        Map<String, MonitorStatus.ServiceLevel> failing = new LinkedHashMap<>();
        monitors.levelsByService().forEach((service, level) -> {
            if (!level.failing().isEmpty()) {
                failing.put(serviceName(service), level);
            }
        });
        model.addAttribute("failingMonitors", failing);
        model.addAttribute("services", config.services());
        model.addAttribute("severities", config.severities().levels());
        // Seed 000's first question, "what changed?": the last day's deploys, per service.
        Map<String, List<RecentChanges.Change>> recent = new LinkedHashMap<>();
        for (TocsinConfig.Service s : config.services()) {
            List<RecentChanges.Change> last = changes.since(s.id(), now.minus(Duration.ofDays(1)), 3);
            if (!last.isEmpty()) {
                recent.put(s.name(), last);
            }
        }
        model.addAttribute("changes", recent);
        return "dashboard";
    }

    /** Who is on call in every schedule over the next two weeks, as a strip per schedule. */
    @GetMapping("/ui/schedules")
    String schedules(Model model) {
        Instant now = clock.instant();
        model.addAttribute("schedules", onCall.schedules(now, now.plus(Duration.ofDays(14))));
        model.addAttribute("policies", onCall.at(now));
        return "schedules";
    }

    @GetMapping("/ui/monitors")
    String monitorsPage(Model model) {
        model.addAttribute("monitors", monitors.monitors());
        model.addAttribute("maintenance", monitors.maintenance());
        return "monitors";
    }

    @GetMapping("/incidents/{id}")
    String incident(@PathVariable long id, Model model) {
        return incidentPage(id, model);
    }

    /**
     * What a status update would send, before it is sent: the template's words for the incident with this text and
     * status, and where they would go. A page of its own without script; with it, only the preview's HTML
     * ({@code fragment=true}), which the page puts in place.
     */
    @PostMapping("/incidents/{id}/updates/preview")
    String previewUpdate(@PathVariable long id, @RequestParam(defaultValue = "") String message,
                         @RequestParam(required = false) String status,
                         @RequestParam(defaultValue = "false") boolean fragment, Model model) {
        try {
            model.addAttribute("preview", previews.statusUpdate(id, message, status(status)));
        } catch (InvalidInputException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(f -> errors.put(f.field(), f.message()));
            model.addAttribute("errors", Map.of("update", errors));
        }
        model.addAttribute("incidentId", id);
        if (fragment) {
            model.addAttribute("fragmentOnly", true);
            return "incident :: preview";
        }
        Map<String, String> draft = new LinkedHashMap<>();
        draft.put("message", message);
        draft.put("status", status == null ? "" : status);
        model.addAttribute("draft", draft);
        return incidentPage(id, model);
    }

    private String incidentPage(long id, Model model) {
        Incident i = incidents.get(id);
        Instant now = clock.instant();
        model.addAttribute("incident", i);
        model.addAttribute("rank", config.severities().rank(i.severity()));
        model.addAttribute("service", serviceName(i.serviceId()));
        model.addAttribute("serviceId", i.serviceId());
        model.addAttribute("age", age(i.openedAt(), now));
        Duration target = config.severities().level(i.severity()).map(l -> l.responseTarget()).orElse(null);
        model.addAttribute("responseTarget", target == null ? null : Durations.format(target));
        List<Map<String, Object>> events = new ArrayList<>();
        List<TimelineEvent> latest = incidents.latestTimeline(id, TIMELINE_SHOWN + 1);
        // One more than shown read: whether earlier entries were left out.
        boolean earlierOmitted = latest.size() > TIMELINE_SHOWN;
        for (TimelineEvent e : earlierOmitted ? latest.subList(1, latest.size()) : latest) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", e.occurredAt());
            row.put("kind", e.kind());
            row.put("actor", e.actor());
            row.put("text", TimelineText.describe(e.kind(), e.data()));
            events.add(row);
        }
        model.addAttribute("breached", incidents.timelineHas(id, "incident.response_target_breached"));
        model.addAttribute("earlierOmitted", earlierOmitted);
        model.addAttribute("timeline", events);
        model.addAttribute("statuses", List.of("investigating", "identified", "monitoring", "resolved"));
        // Observers hold no incident role (IncidentService refuses them): the list offers responders only.
        model.addAttribute("users", config.users().stream().filter(u -> !u.isObserver()).toList());
        model.addAttribute("roles", List.of(IncidentRole.values()));
        model.addAttribute("severities", config.severities().levels());
        model.addAttribute("services", config.services());
        model.addAttribute("impact", impactText(i.impact()));
        model.addAttribute("publicTitleShown", publicTitles.shown(i));
        model.addAttribute("publication", publication.of(i));
        model.addAttribute("publishRule", publication.rule());
        model.addAttribute("alerts", incidentAlerts.of(id, ALERTS_SHOWN));
        // The changes in the hour before it opened: the usual suspects.
        model.addAttribute("changes", changes.since(i.serviceId(), i.openedAt().minus(Duration.ofHours(1)), 20).stream()
                .filter(c -> !c.occurredAt().isAfter(i.openedAt().plus(Duration.ofMinutes(5)))).toList());
        if (i.status().isOpen()) {
            model.addAttribute("composer", previews.composer(id));
        }
        // The level paged last, when there is a next one to escalate to; null hides the Escalate form.
        model.addAttribute("escalateFrom", escalations.levelToEscalateFrom(id).orElse(null));
        model.addAttribute("incidentId", id);
        return "incident";
    }

    /** Declares an incident by hand; a refusal goes back to the dashboard with the reason next to its field. */
    @PostMapping("/incidents")
    String declare(@RequestParam(defaultValue = "") String title, @RequestParam(defaultValue = "") String service,
                   @RequestParam(required = false) String severity, @RequestParam(defaultValue = "") String description,
                   @RequestParam(defaultValue = "false") boolean command, RedirectAttributes flash) {
        try {
            Actor actor = CurrentActor.get();
            // The person declaring may take command at once; the timeline then says who leads from the first entry.
            Incident.Roles roles = command && actor.value().startsWith("user:")
                    ? new Incident.Roles(actor.value().substring("user:".length()), null, null) : null;
            Incident i = incidents.declare(new IncidentService.Declaration(title,
                    description.isBlank() ? null : description, service,
                    severity == null || severity.isBlank() ? null : severity, null, roles), actor);
            flash.addFlashAttribute("done", DONE.get("declare"));
            return "redirect:/incidents/" + i.id();
        } catch (InvalidInputException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(f -> errors.put(f.field(), f.message()));
            flash.addFlashAttribute("errors", Map.of("declare", errors));
            flash.addFlashAttribute("declared", Map.of("title", title, "service", service, "severity",
                    severity == null ? "" : severity, "description", description, "command", Boolean.toString(command)));
            return "redirect:/dashboard";
        }
    }

    @PostMapping("/incidents/{id}/roles")
    String role(@PathVariable long id, @RequestParam(defaultValue = "") String role,
                @RequestParam(defaultValue = "") String user, RedirectAttributes flash) {
        return act(id, flash, "roles", () -> {
            IncidentRole r = IncidentRole.fromWire(role).orElseThrow(() -> new InvalidInputException("role",
                            "expected incident_commander, technical_lead or communications_lead"));
            incidents.assignRole(id, r, user.isBlank() ? null : user, CurrentActor.get());
        });
    }

    @PostMapping("/incidents/{id}/severity")
    String severity(@PathVariable long id, @RequestParam(defaultValue = "") String severity, RedirectAttributes flash) {
        return act(id, flash, "severity", () -> incidents.changeSeverity(id, severity.isBlank() ? null : severity,
                CurrentActor.get()));
    }

    /**
     * Replaces the impact assessment, as {@code PUT /api/v1/incidents/{id}/impact} does: an empty field is "not known".
     * A refusal comes back with what was typed, so nothing has to be typed again.
     */
    @PostMapping("/incidents/{id}/impact")
    String impact(@PathVariable long id, @RequestParam(name = "users_affected", defaultValue = "") String users,
                  @RequestParam(name = "services_affected", required = false) List<String> services,
                  @RequestParam(name = "data_loss", defaultValue = "") String dataLoss,
                  @RequestParam(name = "financial_impact", defaultValue = "") String financial,
                  RedirectAttributes flash) {
        List<String> affected = services == null ? List.of() : services;
        String page = act(id, flash, "impact", () -> incidents.updateImpact(id,
                impactOf(users, affected, dataLoss, financial), CurrentActor.get()));
        if (flash.getFlashAttributes().containsKey("errors")) {
            flash.addFlashAttribute("impactDraft", Map.of("users_affected", users, "services_affected", affected,
                    "data_loss", dataLoss, "financial_impact", financial));
        }
        return page;
    }

    /**
     * What the public status page calls the incident, as {@code PUT /api/v1/incidents/{id}/public-title} sets it;
     * {@code clear} goes back to the page's own title. A refusal comes back with what was typed.
     */
    @PostMapping("/incidents/{id}/public-title")
    String publicTitle(@PathVariable long id, @RequestParam(name = "public_title", defaultValue = "") String publicTitle,
                       @RequestParam(defaultValue = "false") boolean clear, RedirectAttributes flash) {
        return act(id, flash, "public_title", Map.of("public_title", publicTitle), () -> {
            if (clear) {
                incidents.clearPublicTitle(id, CurrentActor.get());
            } else {
                incidents.changePublicTitle(id, publicTitle, CurrentActor.get());
            }
        });
    }

    /**
     * Publishes the incident on the status page or hides it, as {@code PUT /api/v1/incidents/{id}/status-page} does;
     * {@code rule} goes back to status_page.publish.
     */
    @PostMapping("/incidents/{id}/status-page")
    String publication(@PathVariable long id, @RequestParam(defaultValue = "") String choice, RedirectAttributes flash) {
        return act(id, flash, "status_page", () -> incidents.choosePublication(id, switch (choice) {
            case "publish" -> Boolean.TRUE;
            case "hide" -> Boolean.FALSE;
            case "rule" -> null;
            default -> throw new InvalidInputException("choice", "expected publish, hide or rule");
        }, CurrentActor.get()));
    }

    @PostMapping("/incidents/{id}/acknowledge")
    String acknowledge(@PathVariable long id, RedirectAttributes flash) {
        return act(id, flash, "acknowledge", () -> incidents.acknowledge(id, CurrentActor.get()));
    }

    @PostMapping("/incidents/{id}/snooze")
    String snooze(@PathVariable long id, @RequestParam(defaultValue = "") String duration, RedirectAttributes flash) {
        return act(id, flash, "snooze", () -> snoozes.snooze(id, duration, CurrentActor.get()));
    }

    /**
     * The form sends the level the page showed as paged last: when someone else (or the policy's timer) escalated
     * meanwhile, the press is refused with where the escalation stands, rather than paging a level nobody chose.
     */
    @PostMapping("/incidents/{id}/escalate")
    String escalate(@PathVariable long id, @RequestParam(name = "from_level", defaultValue = "") String fromLevel,
                    RedirectAttributes flash) {
        return act(id, flash, "escalate", () -> escalations.escalateNow(id, level(fromLevel), CurrentActor.get()));
    }

    private static Integer level(String fromLevel) {
        if (fromLevel.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(fromLevel.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("from_level", "expected a whole number, the level last paged");
        }
    }

    @PostMapping("/incidents/{id}/notes")
    String note(@PathVariable long id, @RequestParam(defaultValue = "") String text, RedirectAttributes flash) {
        return act(id, flash, "note", Map.of("text", text), () -> incidents.addNote(id, text, CurrentActor.get()));
    }

    @PostMapping("/incidents/{id}/updates")
    String update(@PathVariable long id, @RequestParam(defaultValue = "") String message,
                  @RequestParam(required = false) String status, RedirectAttributes flash) {
        return act(id, flash, "update", Map.of("message", message, "status", status == null ? "" : status),
                () -> incidents.postStatusUpdate(id, message, status(status), CurrentActor.get()));
    }

    @PostMapping("/incidents/{id}/resolve")
    String resolve(@PathVariable long id, @RequestParam(defaultValue = "") String resolution, RedirectAttributes flash) {
        return act(id, flash, "resolve", Map.of("resolution", resolution), () -> incidents.resolve(id,
                resolution.isBlank() ? null : resolution, CurrentActor.get()));
    }

    /** Runs an action; a refusal goes back to the page as {@code errors.<form>} (field → message). */
    private String act(long id, RedirectAttributes flash, String form, Runnable action) {
        return act(id, flash, form, null, action);
    }

    /**
     * Runs an action; a refusal goes back to the page as {@code errors.<form>} (field → message), and what was typed
     * ({@code typed}, field → value) as {@code typed.<form>}, so that nothing has to be typed again.
     */
    private String act(long id, RedirectAttributes flash, String form, Map<String, String> typed, Runnable action) {
        try {
            action.run();
            flash.addFlashAttribute("done", DONE.get(form));
            return "redirect:/incidents/" + id;
        } catch (InvalidInputException e) {
            Map<String, String> errors = new LinkedHashMap<>();
            e.errors().forEach(f -> errors.put(f.field(), f.message()));
            flash.addFlashAttribute("errors", Map.of(form, errors));
        } catch (ConflictException e) {
            flash.addFlashAttribute("errors", Map.of(form, Map.of("form", e.getMessage())));
        }
        if (typed != null) {
            flash.addFlashAttribute("typed", Map.of(form, typed));
        }
        return "redirect:/incidents/" + id;
    }

    /** The impact form's fields as the service takes them; a field that is not what it should be is named. */
    private static Incident.Impact impactOf(String users, List<String> services, String dataLoss, String financial) {
        List<InvalidInputException.FieldError> errors = new ArrayList<>();
        Long usersAffected = null;
        if (!users.isBlank()) {
            try {
                usersAffected = Long.parseLong(users.strip());
            } catch (NumberFormatException e) {
                errors.add(new InvalidInputException.FieldError("users_affected",
                        "must be a whole number of zero or more, got '" + users.strip() + "'"));
            }
        }
        Boolean lost = switch (dataLoss) {
            case "" -> null;
            case "yes" -> true;
            case "no" -> false;
            default -> {
                errors.add(new InvalidInputException.FieldError("data_loss",
                        "expected yes, no or empty (not known)"));
                yield null;
            }
        };
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return new Incident.Impact(usersAffected, services, lost, financial.isBlank() ? null : financial.strip());
    }

    /** The impact in a line: what is known, or that nobody has assessed it yet. */
    private String impactText(Incident.Impact impact) {
        List<String> parts = new ArrayList<>();
        if (impact.usersAffected() != null) {
            parts.add(String.format(Locale.ROOT, "%,d users affected", impact.usersAffected()));
        }
        if (!impact.servicesAffected().isEmpty()) {
            parts.add("services " + String.join(", ",
                    impact.servicesAffected().stream().map(this::serviceName).toList()));
        }
        if (impact.dataLoss() != null) {
            parts.add(impact.dataLoss() ? "data lost" : "no data lost");
        }
        if (impact.financialImpact() != null) {
            parts.add("financial: " + impact.financialImpact());
        }
        return parts.isEmpty() ? "not assessed yet" : String.join(" · ", parts);
    }

    private static IncidentStatus status(String wire) {
        if (wire == null || wire.isBlank()) {
            return null;
        }
        try {
            return IncidentStatus.valueOf(wire.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("status", "expected investigating, identified, monitoring or resolved");
        }
    }

    private String serviceName(String id) {
        return config.service(id).map(TocsinConfig.Service::name).orElse(id);
    }

    static String age(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        if (d.toMinutes() < 1) {
            return "just now";
        }
        return Durations.format(d.toDays() > 0 ? Duration.ofHours(d.toHours()) : Duration.ofMinutes(d.toMinutes()));
    }
}
