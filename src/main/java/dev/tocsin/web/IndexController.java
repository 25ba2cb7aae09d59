package dev.tocsin.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.info.BuildProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The root of the server: what this is and where to go next, for a person or a script finding their way. */
@RestController
class IndexController {

    private final String version;

    IndexController(ObjectProvider<BuildProperties> build) {
        BuildProperties properties = build.getIfAvailable();
        this.version = properties != null ? properties.getVersion()
                : IndexController.class.getPackage().getImplementationVersion();
    }

    @GetMapping("/")
    Map<String, Object> index() {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("health", "/health");
        links.put("deep_health", "/api/health/deep");
        links.put("metrics", "/actuator/prometheus");
        links.put("events_v2", "/v2/enqueue");
        links.put("incidents", "/api/v1/incidents");
        links.put("alerts", "/api/v1/alerts");
        links.put("services", "/api/v1/services");
        links.put("oncall", "/api/v1/oncall");
        links.put("audit", "/api/v1/audit/verify");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Tocsin");
        body.put("version", version == null ? "development" : version);
        body.put("links", links);
        return body;
    }
}
