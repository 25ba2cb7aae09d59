package dev.tocsin.auth;

import java.net.URI;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Creating, listing and revoking API keys; admin scope only (see {@link SecurityConfiguration}). */
@RestController
@RequestMapping("/api/v1/api-keys")
class ApiKeyController {

    record CreateRequest(String name, String scope, String user) {
    }

    private final ApiKeyService keys;

    ApiKeyController(ApiKeyService keys) {
        this.keys = keys;
    }

    @GetMapping
    List<ApiKeyService.KeyInfo> list() {
        return keys.list();
    }

    @PostMapping
    ResponseEntity<ApiKeyService.CreatedKey> create(@RequestBody CreateRequest body) {
        ApiKeyService.CreatedKey created = keys.create(body.name(), body.scope(), body.user(), CurrentActor.get());
        return ResponseEntity.created(URI.create("/api/v1/api-keys/" + created.key().id())).body(created);
    }

    @DeleteMapping("/{id}")
    ApiKeyService.KeyInfo revoke(@PathVariable long id) {
        return keys.revoke(id, CurrentActor.get());
    }
}
