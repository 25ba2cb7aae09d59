package dev.tocsin.alert;

import java.util.List;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.NotFoundException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * The URL a cron job pings when it succeeds ({@code curl -fsS …/api/v1/heartbeat/KEY/nightly-backup}).
 * GET, HEAD and POST all count, so any HTTP client works.
 */
@RestController
class HeartbeatController {

    private final IntegrationIntake intake;

    HeartbeatController(IntegrationIntake intake) {
        this.intake = intake;
    }

    @RequestMapping(path = "/api/v1/heartbeat/{integrationKey}/{name}",
            method = {RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST})
    ResponseEntity<String> ping(@PathVariable String integrationKey, @PathVariable String name) {
        TocsinConfig.Service service = intake.admit(integrationKey, "heartbeat");
        if (service.heartbeats().stream().noneMatch(h -> h.name().equals(name))) {
            throw new NotFoundException("service '" + service.id() + "' declares no heartbeat named '" + name + "'");
        }
        intake.submitAll(List.of(new Intake.HeartbeatPing(service.id(), name)), "heartbeat");
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body("OK\n");
    }
}
