package dev.tocsin.catalog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tocsin.config.TocsinConfig;
import org.springframework.stereotype.Service;

/** What alerts route to: services and the integration keys that name them. Read on every intake call. */
@Service
public class Catalog {

    private final TocsinConfig config;
    private final Map<String, TocsinConfig.Service> byIntegrationKey = new HashMap<>();

    Catalog(TocsinConfig config) {
        this.config = config;
        for (TocsinConfig.Service s : config.services()) {
            s.integrationKeys().forEach(k -> byIntegrationKey.put(k, s));
        }
    }

    /** The service an integration key belongs to; an integration key only ever speaks for its own service. */
    public Optional<TocsinConfig.Service> serviceForIntegrationKey(String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(byIntegrationKey.get(key));
    }

    public Optional<TocsinConfig.Service> service(String id) {
        return config.service(id);
    }

    public List<TocsinConfig.Service> services() {
        return config.services();
    }
}
