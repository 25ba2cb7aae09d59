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
                       List<String> heartbeats) {
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
    List<TocsinConfig.User> users() {
        return config.users();
    }

    @GetMapping("/api/v1/teams")
    List<TocsinConfig.Team> teams() {
        return config.teams();
    }

    private static ServiceView view(TocsinConfig.Service s) {
        return new ServiceView(s.id(), s.name(), s.description(), s.team(), s.integrationKeys().size(),
                s.heartbeats().stream().map(TocsinConfig.Heartbeat::name).toList());
    }
}
