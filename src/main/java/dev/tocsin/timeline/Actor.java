package dev.tocsin.timeline;

/** Who caused a timeline event, as "kind:name": user:ana, api-key:ci-deployer, integration:checkout, system:heartbeats. */
public record Actor(String value) {

    public Actor {
        if (value == null || value.isBlank() || value.length() > 200) {
            throw new IllegalArgumentException("actor must be 1-200 characters");
        }
    }

    public static Actor user(String id) {
        return new Actor("user:" + id);
    }

    public static Actor apiKey(String name) {
        return new Actor("api-key:" + name);
    }

    public static Actor integration(String serviceId, String intake) {
        return new Actor("integration:" + serviceId + "/" + intake);
    }

    public static Actor system(String processor) {
        return new Actor("system:" + processor);
    }

    @Override
    public String toString() {
        return value;
    }
}
