package dev.tocsin.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tocsin.alert.RecentChanges;
import dev.tocsin.catalog.Catalog;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.incident.Incident;
import dev.tocsin.incident.IncidentService;
import dev.tocsin.monitor.MaintenanceWindows;
import dev.tocsin.monitor.MonitorStatus;
import dev.tocsin.oncall.WhoIsOnCall;
import dev.tocsin.problem.NotFoundException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * Services and escalation policies as people look them up during an incident: how each service stands, what is
 * open on it, who would be paged for it now, and how its alerts reach Tocsin (keys masked).
 */
@Controller
class ServicePages {

    /** One service in the list. {@code level}: its monitors' worst level, or null without monitors. */
    record ServiceRow(TocsinConfig.Service service, String level, int monitors, List<String> failing, long open,
                      String policyName, List<String> onCallNow) {
    }

    /** A row of a service's incident lists. */
    record IncidentRow(long id, String title, String severity, int rank, String status, String age, Instant openedAt,
                       Instant resolvedAt) {
    }

    private final Catalog catalog;
    private final IncidentService incidents;
    private final MonitorStatus monitors;
    private final MaintenanceWindows maintenance;
    private final WhoIsOnCall onCall;
    private final RecentChanges changes;
    private final TocsinConfig config;
    private final Clock clock;

    ServicePages(Catalog catalog, IncidentService incidents, MonitorStatus monitors, MaintenanceWindows maintenance,
                 WhoIsOnCall onCall, RecentChanges changes, TocsinConfig config, Clock clock) {
        this.catalog = catalog;
        this.incidents = incidents;
        this.monitors = monitors;
        this.maintenance = maintenance;
        this.onCall = onCall;
        this.changes = changes;
        this.config = config;
        this.clock = clock;
    }

    @GetMapping("/ui/services")
    String services(Model model) {
        Instant now = clock.instant();
        Map<String, MonitorStatus.ServiceLevel> levels = monitors.levelsByService();
        Map<String, Long> open = new LinkedHashMap<>();
        openIncidents(null).forEach(i -> open.merge(i.serviceId(), 1L, Long::sum));
        Map<String, WhoIsOnCall.PolicyDetail> policies = policies(now);
        List<ServiceRow> rows = new ArrayList<>();
        for (TocsinConfig.Service s : catalog.services()) {
            MonitorStatus.ServiceLevel level = levels.get(s.id());
            WhoIsOnCall.PolicyDetail policy = s.escalationPolicy() == null ? null : policies.get(s.escalationPolicy());
            rows.add(new ServiceRow(s, level == null ? null : level.level(), level == null ? 0 : level.monitors(),
                    level == null ? List.of() : level.failing(), open.getOrDefault(s.id(), 0L),
                    policy == null ? null : policy.name() != null ? policy.name() : policy.policy(),
                    policy == null || policy.levels().isEmpty() ? List.of() : names(policy.levels().get(0).users())));
        }
        model.addAttribute("rows", rows);
        return "services";
    }

    @GetMapping("/ui/services/{id}")
    String service(@PathVariable String id, Model model) {
        TocsinConfig.Service s = catalog.service(id)
                .orElseThrow(() -> new NotFoundException("service '" + id + "' does not exist"));
        Instant now = clock.instant();
        model.addAttribute("service", s);
        model.addAttribute("level", monitors.levelsByService().get(id));
        model.addAttribute("open", openIncidents(id).stream().map(i -> row(i, now)).toList());
        model.addAttribute("resolved", incidents.resolvedOfServiceSince(id, now.minus(Duration.ofDays(90)), 10).stream()
                .map(i -> row(i, now)).toList());
        model.addAttribute("monitors", monitors.monitors().stream().filter(m -> m.serviceId().equals(id)).toList());
        model.addAttribute("maintenance", maintenance.since(now).stream().filter(w -> w.serviceId().equals(id)).toList());
        model.addAttribute("changes", changes.since(id, now.minus(Duration.ofDays(7)), 10));
        model.addAttribute("policy", s.escalationPolicy() == null ? null : policies(now).get(s.escalationPolicy()));
        model.addAttribute("names", userNames());
        model.addAttribute("team", s.team() == null ? null : config.teams().stream()
                .filter(t -> t.id().equals(s.team())).findFirst().map(TocsinConfig.Team::name).orElse(s.team()));
        return "service";
    }

    @GetMapping("/ui/escalation-policies")
    String policies(Model model) {
        Map<String, List<TocsinConfig.Service>> usedBy = new LinkedHashMap<>();
        for (TocsinConfig.Service s : catalog.services()) {
            if (s.escalationPolicy() != null) {
                usedBy.computeIfAbsent(s.escalationPolicy(), k -> new ArrayList<>()).add(s);
            }
        }
        model.addAttribute("policies", onCall.policies(clock.instant()));
        model.addAttribute("usedBy", usedBy);
        model.addAttribute("names", userNames());
        return "escalation-policies";
    }

    /** Every open incident (at most {@link IncidentService#OPEN_SHOWN}), or a service's, by severity then age. */
    private List<Incident> openIncidents(String serviceId) {
        List<Incident> open = new ArrayList<>(serviceId == null ? incidents.open() : incidents.openOfService(serviceId));
        open.sort(Comparator.comparingInt((Incident i) -> config.severities().rank(i.severity()))
                .thenComparing(Incident::openedAt));
        return open;
    }

    private IncidentRow row(Incident i, Instant now) {
        return new IncidentRow(i.id(), i.title(), i.severity(), config.severities().rank(i.severity()), i.status().wire(),
                UiController.age(i.openedAt(), now), i.openedAt(), i.resolvedAt());
    }

    private Map<String, WhoIsOnCall.PolicyDetail> policies(Instant now) {
        Map<String, WhoIsOnCall.PolicyDetail> out = new LinkedHashMap<>();
        onCall.policies(now).forEach(p -> out.put(p.policy(), p));
        return out;
    }

    private Map<String, String> userNames() {
        Map<String, String> out = new LinkedHashMap<>();
        config.users().forEach(u -> out.put(u.id(), u.name() == null ? u.id() : u.name()));
        return out;
    }

    private List<String> names(List<String> userIds) {
        Map<String, String> names = userNames();
        return userIds.stream().map(u -> names.getOrDefault(u, u)).toList();
    }
}
