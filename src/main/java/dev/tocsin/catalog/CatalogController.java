package dev.tocsin.catalog;

import java.util.List;

import dev.tocsin.config.Durations;
import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.NotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Read-only views of what the configuration declares. Integration keys are secrets and never listed. */
@RestController
class CatalogController {

    record ServiceView(String id, String name, String description, String team, int integrationKeys,
                       List<String> heartbeats, String escalationPolicy, AlertGroupingView alertGrouping) {
    }

    /** {@code window}: null when the group's alerts join its incident until it is resolved. */
    record AlertGroupingView(List<String> fields, String window) {
    }

    record ContactMethodView(String id, String type, String address) {
    }

    record NotificationRuleView(String contactMethod, String after) {
    }

    record UserView(String id, String name, String email, String role, List<ContactMethodView> contactMethods,
                    List<NotificationRuleView> notificationRules) {
    }

    record SeverityView(String id, String name, int rank, String responseTarget, long responseTargetSeconds,
                        String description) {
    }

    private final TocsinConfig config;

    CatalogController(TocsinConfig config) {
        this.config = config;
    }

    @GetMapping("/api/v1/services")
    List<ServiceView> services() {
        return config.services().stream().map(CatalogController::view).toList();
    }

    @GetMapping("/api/v1/services/{id}")
    ServiceView service(@PathVariable String id) {
        return config.service(id).map(CatalogController::view)
                .orElseThrow(() -> new NotFoundException("service '" + id + "' does not exist"));
    }

    @GetMapping("/api/v1/severities")
    List<SeverityView> severities() {
        return config.severities().levels().stream().map(l -> new SeverityView(l.id(), l.name(), l.rank(),
                Durations.format(l.responseTarget()), l.responseTarget().getSeconds(), l.description())).toList();
    }

    @GetMapping("/api/v1/users")
    List<UserView> users() {
        return config.users().stream().map(CatalogController::view).toList();
    }

    @GetMapping("/api/v1/users/{id}")
    UserView user(@PathVariable String id) {
        return config.user(id).map(CatalogController::view)
                .orElseThrow(() -> new NotFoundException("user '" + id + "' does not exist"));
    }

    @GetMapping("/api/v1/teams")
    List<TocsinConfig.Team> teams() {
        return config.teams();
    }

    private static ServiceView view(TocsinConfig.Service s) {
        return new ServiceView(s.id(), s.name(), s.description(), s.team(), s.integrationKeys().size(),
                s.heartbeats().stream().map(TocsinConfig.Heartbeat::name).toList(), s.escalationPolicy(),
                s.alertGrouping() == null ? null : new AlertGroupingView(s.alertGrouping().fields(),
                        s.alertGrouping().window() == null ? null : Durations.format(s.alertGrouping().window())));
    }

    private static UserView view(TocsinConfig.User u) {
        return new UserView(u.id(), u.name(), u.email(), u.role().wire(),
                u.contactMethods().stream().map(c -> new ContactMethodView(c.id(), c.type().wire(), masked(c))).toList(),
                u.notificationRules().stream().map(r -> new NotificationRuleView(r.contactMethod(),
                        Durations.format(r.after()))).toList());
    }

    /** Webhook URLs carry their secret in the path: show where they point, not the secret. */
    private static String masked(TocsinConfig.ContactMethod c) {
        String a = c.address();
        if (!a.startsWith("http")) {
            return a;
        }
        int pathStart = a.indexOf('/', a.indexOf("//") + 2);
        return pathStart < 0 ? a : a.substring(0, pathStart) + "/…";
    }
}
