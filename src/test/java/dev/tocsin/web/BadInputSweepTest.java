package dev.tocsin.web;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route the running application serves, with every method it accepts, sent every kind of bad input: bodies of the
 * wrong shape, each field of a body of the wrong type, broken JSON and UTF-8, the wrong Content-Type, an oversized body,
 * odd query parameters and odd path values. None may answer 5xx; every refusal says why, in JSON (or a page for the
 * pages); a 400 for a field of the body names that field. The routes come from Spring's handler mappings and the
 * filters that serve paths of their own, so a new endpoint is swept without changing this test.
 */
class BadInputSweepTest extends ApiTest {

    @DynamicPropertySource
    static void ownData(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-bad-input-sweep");
    }

    /** Deterministic by construction; a ceiling so that a route explosion shows up here rather than as a slow build. */
    private static final int MAX_REQUESTS = 5_000;
    /** The further combinations are sent while the sweep is younger than this; every kind once is always sent. */
    private static final Duration EXTRAS_UNTIL = Duration.ofSeconds(25);
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    /** Values for path variables that name nothing, or cannot name anything. */
    private static final List<String> ODD_PATH_VALUES = List.of("999999999", "-1", "abc", "%00", "x".repeat(3000),
            "%F0%9F%92%A5%E2%80%AE", "..", "99999999999999999999", "%20");
    private static final List<String> ODD_QUERY_VALUES = List.of("", "x", "-1", "9223372036854775808",
            "2026-13-45T99:00:00Z", "💥‮", "y".repeat(5000));
    private static final byte[] INVALID_UTF8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};

    @Autowired
    private ApplicationContext context;

    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> failures = new ArrayList<>();
    private String csrf;
    private int requests;

    /** One route and method, and what its handler reads (null for a filter that serves the path itself). */
    record Route(String method, String pattern, HandlerMethod handler, boolean eventStream) {
        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    /** One request to send: a body (null for none) of a Content-Type, and the body field it is wrong in, if one. */
    record Probe(String kind, String contentType, byte[] body, String field) {
        static Probe json(String kind, String json, String field) {
            return new Probe(kind, "application/json", json.getBytes(StandardCharsets.UTF_8), field);
        }
    }

    @Test
    void noRouteAnswersBadInputWithAServerError() throws Exception {
        long started = System.nanoTime();
        signIn();
        // Something under each list, so that its routes are swept with an id that exists.
        assertThat(enqueue(trigger(CHECKOUT_KEY, "swept", "Swept", "warning")).status()).isEqualTo(202);
        assertThat(api.post("/api/v1/maintenance-windows", "{\"service\":\"billing\",\"start\":\"2026-03-02T00:00:00Z\","
                + "\"end\":\"2026-03-02T01:00:00Z\",\"reason\":\"swept\"}").status()).isEqualTo(201);
        assertThat(api.post("/api/v1/api-keys", "{\"name\":\"swept\",\"scope\":\"read\"}").status()).isEqualTo(201);
        List<Route> routes = routes();
        assertThat(routes).as("routes found in the running application").hasSizeGreaterThan(50)
                .anySatisfy(r -> assertThat(r.pattern()).isEqualTo("/api/v1/incidents/{id}/status"))
                .anySatisfy(r -> assertThat(r.pattern()).isEqualTo("/v2/enqueue"));
        // Every route meets every kind of bad input once; the further combinations go while the time budget lasts.
        List<Planned> extras = new ArrayList<>();
        for (Route route : routes) {
            for (Planned planned : plan(route, extras)) {
                send(planned);
            }
        }
        int sentFirst = requests;
        long budgetEnd = started + EXTRAS_UNTIL.toNanos();
        int skipped = 0;
        for (Planned planned : extras) {
            if (System.nanoTime() < budgetEnd) {
                send(planned);
            } else {
                skipped++;
            }
        }
        System.out.printf("BadInputSweepTest: %d routes, %d requests (%d of every kind once, %d further; %d further left out"
                + " for time), %.1f s%n", routes.size(), requests, sentFirst, requests - sentFirst, skipped,
                (System.nanoTime() - started) / 1e9);
        failures.forEach(f -> System.out.println("BadInputSweepTest failure: " + f));
        assertThat(failures).as(failures.size() + " failures of " + requests + " requests").isEmpty();
        assertThat(requests).isLessThan(MAX_REQUESTS);
        Http.Response verify = api.get("/api/v1/audit/verify");
        assertThat(verify.json().get("ok").asBoolean()).as(verify.body()).isTrue();
    }

    /**
     * The path the web server forwards failures to, asked for directly, had no failure to report and answered 500
     * ("status 999") to anybody. It names nothing, so it is a 404; what is forwarded there is still answered.
     */
    @Test
    void theErrorPathAskedForDirectlyIsA404() throws Exception {
        for (Http client : List.of(api, anonymous)) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                Http.Response r = client.send(client.request("/error?x=1").method(method, HttpRequest.BodyPublishers.noBody()));
                assertThat(r.status()).as(method + " " + r.body()).isEqualTo(404);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                assertThat(r.json().get("detail").asString()).isEqualTo("no such path: /error");
            }
        }
        // A signed-in form without its CSRF token is refused with sendError(403), which the server forwards to the error
        // path: that forward is still answered, with the 403.
        SignedInBrowser browser = new SignedInBrowser(port).signIn("ana", "test-password-ana");
        assertThat(browser.post("/incidents", "title=no+token&service=checkout").statusCode()).isEqualTo(403);
    }

    /**
     * Spring's filter for form bodies in PUT, PATCH and DELETE decoded them ahead of MVC, and a stray '%' failed there as
     * a 500. Nothing takes such a form: the endpoints refuse it as they refuse any body that is not JSON.
     */
    @Test
    void aFormInAPutOrPatchIsRefusedAsNotJson() {
        long id = api.post("/api/v1/incidents", "{\"title\":\"form\",\"service\":\"checkout\"}").json().get("id").asLong();
        for (String method : List.of("PUT", "PATCH")) {
            for (String form : List.of("users_affected=%ZZ", "users_affected=3")) {
                Http.Response r = api.send(api.request("/api/v1/incidents/" + id + "/impact")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .method(method, HttpRequest.BodyPublishers.ofString(form)));
                assertThat(r.status()).as(method + " " + form + ": " + r.body()).isEqualTo(415);
                assertThat(r.json().get("detail").asString()).isEqualTo("send the body as application/json");
            }
        }
        assertThat(incident(id).get("impact").get("users_affected").isNull()).isTrue();
    }

    /**
     * A number too large for its field is found by Jackson's parser rather than its binder, and was refused as "the body
     * is not valid JSON", naming no field. It is the field's value that is wrong, and the refusal names it.
     */
    @Test
    void aNumberTooLargeForItsFieldIsA400NamingTheField() {
        Map<String, Http.Response> answers = new LinkedHashMap<>();
        answers.put("impact.users_affected", api.post("/api/v1/incidents", "{\"title\":\"big\",\"service\":\"checkout\","
                + "\"impact\":{\"users_affected\":99999999999999999999}}"));
        answers.put("retries", api.put("/api/v1/monitors/too-many-retries", "{\"service\":\"monitored\",\"type\":\"tcp\","
                + "\"host\":\"127.0.0.1\",\"port\":9,\"retries\":1e400}"));
        answers.forEach((field, r) -> {
            assertThat(r.status()).as(field + ": " + r.body()).isEqualTo(400);
            JsonNode error = r.json().get("errors").get(0);
            assertThat(error.get("field").asString()).isEqualTo(field);
            assertThat(error.get("message").asString()).startsWith("out of range, expected a whole number from -");
        });
        assertThat(answers.get("retries").json().get("detail").asString())
                .isEqualTo("retries: out of range, expected a whole number from -2147483648 to 2147483647");
    }

    /**
     * What to send to one route: each body kind with ids that exist, each odd path value, each odd query value and an
     * unknown parameter, once; into {@code extras}, the other combinations of odd values with variables and parameters.
     */
    private List<Planned> plan(Route route, List<Planned> extras) {
        List<Planned> first = new ArrayList<>();
        List<Probe> probes = probes(route);
        Supplier<String> path = memoized(() -> fill(route));
        for (Probe probe : probes) {
            first.add(new Planned(route, path, "", probe));
        }
        // Odd values in the path variables, one variable after the other, with the body kinds taken in turn.
        List<String> variables = variables(route.pattern());
        int turn = 0;
        for (int v = 0; v < variables.size(); v++) {
            for (int o = 0; o < ODD_PATH_VALUES.size(); o++) {
                int variable = v;
                String odd = ODD_PATH_VALUES.get(o);
                Planned planned = new Planned(route, () -> fill(route, variable, odd), "", probes.get(turn++ % probes.size()));
                (o % variables.size() == v ? first : extras).add(planned);
            }
        }
        // Query parameters the handler reads: empty, of the wrong type, huge, repeated; and one it does not read.
        Probe none = probes.get(0);
        List<String> names = new ArrayList<>(queryParameters(route));
        for (int n = 0; n < names.size(); n++) {
            String name = names.get(n);
            for (int q = 0; q < ODD_QUERY_VALUES.size(); q++) {
                String query = "?" + name + "=" + URLEncoder.encode(ODD_QUERY_VALUES.get(q), StandardCharsets.UTF_8);
                (q % names.size() == n || n >= ODD_QUERY_VALUES.size() && q == 0 ? first : extras)
                        .add(new Planned(route, path, query, none));
            }
            (n == 0 ? first : extras).add(new Planned(route, path, "?" + name + "=1&" + name + "=x&" + name + "=", none));
        }
        first.add(new Planned(route, path, "?unknown_parameter=" + "z".repeat(5000)
                + "&unknown_parameter=&unknown_parameter=%E2%80%AE", none));
        return first;
    }

    /** One request of the sweep; its path is worked out when it is sent (an id of its own may be created for it). */
    record Planned(Route route, Supplier<String> path, String query, Probe probe) {
    }

    private static Supplier<String> memoized(Supplier<String> supplier) {
        String[] value = new String[1];
        return () -> value[0] != null ? value[0] : (value[0] = supplier.get());
    }

    /** The routes of every request-mapping handler mapping (the application's and the actuator's), and the filters'. */
    private List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                RequestMappingInfo info = entry.getKey();
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                Collection<RequestMethod> accepted = methods.isEmpty()
                        ? List.of(RequestMethod.GET, RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE)
                        : new TreeSet<>(methods);
                boolean stream = info.getProducesCondition().getProducibleMediaTypes().contains(MediaType.TEXT_EVENT_STREAM);
                for (String pattern : info.getPatternValues()) {
                    for (RequestMethod method : accepted) {
                        // A wildcard ("/actuator/health/**") stands for any path below: one that names nothing.
                        routes.add(new Route(method.name(), pattern.replaceAll("\\{\\*[^}]*}|\\*\\*?", "x"),
                                entry.getValue(), stream));
                    }
                }
            }
        }
        for (FilterRegistrationBean<?> filter : context.getBeansOfType(FilterRegistrationBean.class).values()) {
            for (String pattern : filter.getUrlPatterns()) {
                if (!pattern.contains("*")) {
                    routes.add(new Route("POST", pattern, null, false));
                    routes.add(new Route("GET", pattern, null, false));
                }
            }
        }
        // Deletions last, so that what they remove is there for every other route first.
        routes.sort((a, b) -> Boolean.compare(a.method().equals("DELETE"), b.method().equals("DELETE")));
        return routes;
    }

    private List<Probe> probes(Route route) {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe("no body", null, null, null));
        for (String json : List.of("{}", "[]", "null", "\"x\"", "42", "{\"a\":", "{\"a\":1,\"a\":2}", "[".repeat(1000) + "]".repeat(1000),
                "{\"a\":" + "{\"b\":".repeat(1000) + "1" + "}".repeat(1000) + "}", "{\"\uD83D\uDCA5\":\"\u202e\\u0000\\ud800 é\"}")) {
            probes.add(Probe.json(json.length() > 20 ? json.substring(0, 20) + "…" : json, json, null));
        }
        probes.add(new Probe("invalid UTF-8", "application/json", INVALID_UTF8, null));
        probes.add(new Probe("form", "application/x-www-form-urlencoded", "a=1&b=%ZZ&c=".getBytes(StandardCharsets.UTF_8), null));
        probes.add(new Probe("text/plain", "text/plain", "{}".getBytes(StandardCharsets.UTF_8), null));
        probes.add(new Probe("XML", "application/xml", "<a/>".getBytes(StandardCharsets.UTF_8), null));
        probes.add(Probe.json("oversized", "{\"a\":\"" + "x".repeat(600 * 1024) + "\"}", null));
        Map<String, Class<?>> fields = bodyFields(route);
        if (!fields.isEmpty()) {
            StringBuilder allWrong = new StringBuilder("{");
            fields.forEach((path, type) -> {
                for (String wrong : wrongValues(type)) {
                    probes.add(Probe.json(path + "=" + wrong, nest(path, wrong), path));
                }
                if (!path.contains(".") && !path.contains("[")) {
                    allWrong.append(allWrong.length() > 1 ? "," : "").append('"').append(path).append("\":")
                            .append(wrongValues(type).isEmpty() ? "[]" : wrongValues(type).get(0));
                }
            });
            String first = fields.keySet().iterator().next().replaceAll("[.\\[].*", "");
            probes.add(Probe.json("every field wrong", allWrong.append('}').toString(), null));
            probes.add(Probe.json("duplicate " + first, "{\"" + first + "\":\"a\",\"" + first + "\":[]}", null));
            probes.add(Probe.json(first + " 1000 deep", "{\"" + first + "\":" + "[".repeat(1000) + "]".repeat(1000) + "}", null));
        }
        return probes;
    }

    /** A JSON body holding {@code value} at {@code path} ({@code impact.users_affected}, {@code layers[0].name}). */
    private static String nest(String path, String value) {
        Matcher step = Pattern.compile("([^.\\[]+)(\\[0])?\\.?").matcher(path);
        List<String[]> steps = new ArrayList<>();
        while (step.find() && !step.group().isEmpty()) {
            steps.add(new String[] {step.group(1), step.group(2)});
        }
        String json = value;
        for (int i = steps.size() - 1; i >= 0; i--) {
            json = "{\"" + steps.get(i)[0] + "\":" + (steps.get(i)[1] != null ? "[" + json + "]" : json) + "}";
        }
        return json;
    }

    /** Values Jackson cannot coerce to {@code type}: each must be refused naming its field. */
    private static List<String> wrongValues(Class<?> type) {
        if (type == String.class) {
            return List.of("{\"x\":1}");
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return List.of("\"x\"", "99999999999999999999");
        }
        if (type == Boolean.class || type == boolean.class) {
            return List.of("\"x\"");
        }
        if (Collection.class.isAssignableFrom(type)) {
            return List.of("{}");
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return List.of("[]");
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return List.of("{}");
        }
        return List.of();
    }

    /**
     * The JSON fields of the handler's body, by path, two levels deep (a record within a record, or within a list), each
     * with its Java type, as Jackson names them (snake_case, or as annotated).
     */
    private static Map<String, Class<?>> bodyFields(Route route) {
        Map<String, Class<?>> fields = new LinkedHashMap<>();
        if (route.handler() == null) {
            return fields;
        }
        for (MethodParameter parameter : route.handler().getMethodParameters()) {
            if (parameter.hasParameterAnnotation(RequestBody.class)) {
                collect(parameter.getParameterType(), "", 0, fields);
            }
        }
        return fields;
    }

    private static void collect(Class<?> type, String prefix, int depth, Map<String, Class<?>> fields) {
        if (depth > 1) {
            return;
        }
        Map<String, Type> members = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                JsonProperty named = c.getAnnotation(JsonProperty.class);
                members.put(named != null ? named.value() : snakeCase(c.getName()), c.getGenericType());
            }
        } else if (!type.isInterface() && type.getName().startsWith("dev.tocsin.")) {
            for (Field f : type.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    members.put(snakeCase(f.getName()), f.getGenericType());
                }
            }
        }
        members.forEach((name, generic) -> {
            Class<?> raw = raw(generic);
            fields.put(prefix + name, raw);
            if (raw.isRecord()) {
                collect(raw, prefix + name + ".", depth + 1, fields);
            } else if (List.class.isAssignableFrom(raw) && generic instanceof ParameterizedType p
                    && raw(p.getActualTypeArguments()[0]).isRecord()) {
                collect(raw(p.getActualTypeArguments()[0]), prefix + name + "[0].", depth + 1, fields);
            }
        });
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
    }

    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }

    private static Set<String> queryParameters(Route route) {
        Set<String> names = new LinkedHashSet<>();
        if (route.handler() != null) {
            for (MethodParameter parameter : route.handler().getMethodParameters()) {
                RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
                if (param != null) {
                    String name = !param.name().isEmpty() ? param.name() : param.value();
                    names.add(!name.isEmpty() ? name : parameter.getParameterName());
                }
            }
        }
        return names;
    }

    private static List<String> variables(String pattern) {
        List<String> names = new ArrayList<>();
        Matcher m = VARIABLE.matcher(pattern);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private String fill(Route route) {
        return fill(route, -1, null);
    }

    /** The route's path with each variable an existing id, except variable {@code odd}, which is {@code oddValue}. */
    private String fill(Route route, int odd, String oddValue) {
        Matcher m = VARIABLE.matcher(route.pattern());
        StringBuilder path = new StringBuilder();
        int end = 0;
        int i = 0;
        while (m.find()) {
            path.append(route.pattern(), end, m.start());
            path.append(i == odd ? oddValue : existing(route, m.group(1), route.pattern().substring(0, m.start()),
                    path.toString()));
            end = m.end();
            i++;
        }
        return path.append(route.pattern().substring(end)).toString();
    }

    private final Map<String, String> existingIds = new LinkedHashMap<>();

    /**
     * An id that exists for the variable: an incident of the route's own (so that one route's changes do not refuse
     * another's), what the test configuration declares, or the first of the list the route sits under.
     */
    private String existing(Route route, String variable, String patternBefore, String filledBefore) {
        if (patternBefore.endsWith("/incidents/")) {
            return Long.toString(api.post("/api/v1/incidents",
                    "{\"title\":\"swept " + route + "\",\"service\":\"checkout\",\"severity\":\"P2\"}").json().get("id").asLong());
        }
        switch (variable) {
            case "integrationKey":
                return route.pattern().contains("heartbeat") ? BATCH_KEY : CHECKOUT_KEY;
            case "name":
                return "nightly-backup";
            case "outcome":
                return "fail";
            case "role":
                return "technical_lead";
            case "userId":
                return "ana";
            case "methodId":
                return "slack";
            default:
                break;
        }
        String collection = filledBefore.replaceAll("/$", "");
        if (collection.equals("/api/v1/channels")) {
            return "audit"; // a webhook into the test sink: no rate limit, where Slack's one a second made each send wait
        }
        return existingIds.computeIfAbsent(collection, c -> {
            for (String list : List.of(c, "/api/v1" + c.replaceFirst("^/ui", ""))) {
                Http.Response r = api.get(list);
                if (r.status() == 200 && (r.body().startsWith("[") || r.body().startsWith("{"))) {
                    JsonNode id = r.json().findValue("id");
                    if (id != null && !id.isContainer()) {
                        return URLEncoder.encode(id.asString(), StandardCharsets.UTF_8);
                    }
                }
            }
            return "1";
        });
    }

    private void send(Planned planned) throws Exception {
        Route route = planned.route();
        String path = planned.path().get();
        String query = planned.query();
        Probe probe = planned.probe();
        requests++;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path + query))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + Http.ADMIN_KEY)
                .header("X-CSRF-TOKEN", csrf)
                .method(route.method(), probe.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(probe.body()));
        if (probe.contentType() != null) {
            request.header("Content-Type", probe.contentType());
        }
        String what = route.method() + " " + abbreviate(path + query) + " with " + probe.kind();
        int status;
        String contentType;
        String body;
        if (route.eventStream()) {
            HttpResponse<InputStream> r = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = r.statusCode();
            contentType = r.headers().firstValue("Content-Type").orElse("");
            try (InputStream in = r.body()) {
                body = status == 200 ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } else {
            HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            contentType = r.headers().firstValue("Content-Type").orElse("");
            body = r.body();
        }
        judge(route, what, probe, status, contentType, body);
    }

    private void judge(Route route, String what, Probe probe, int status, String contentType, String body) {
        if (status == 502 && route.pattern().endsWith("/test") && body.contains("\"message_id\"") && body.contains("\"error\"")) {
            return; // a test message the destination refused or did not answer: documented (docs/api.md), not bad input
        }
        if (status == 404 && route.pattern().startsWith("/actuator/health/") && body.isEmpty()) {
            return; // Spring Boot's answer for a health component that does not exist (see the report); nothing of ours
        }
        if (status >= 500) {
            failures.add(what + " → " + status + " " + abbreviate(body));
            return;
        }
        if (status < 400 || route.method().equals("HEAD")) {
            return;
        }
        if (contentType.startsWith("text/html")) {
            if (!page(route.pattern()) || body.isBlank()) {
                failures.add(what + " → " + status + " as a page: " + abbreviate(body));
            }
            return;
        }
        JsonNode problem = contentType.contains("json") && !body.isBlank() ? Http.parse(body) : null;
        // The Events API answers as PagerDuty's does, with a "message"; everything else in problem JSON, with a "detail".
        String detail = problem == null ? "" : problem.path("detail").asString(problem.path("message").asString(""));
        if (detail.isBlank()) {
            failures.add(what + " → " + status + " without a message (" + contentType + "): " + abbreviate(body));
            return;
        }
        if (status == 400 && probe.field() != null && !names(problem, probe.field())) {
            failures.add(what + " → 400 not naming " + probe.field() + ": " + abbreviate(body));
        }
    }

    private static boolean names(JsonNode problem, String field) {
        for (JsonNode error : problem.path("errors")) {
            String named = error.path("field").asString("");
            if (named.equals(field) || named.startsWith(field + ".") || named.startsWith(field + "[")) {
                return true;
            }
        }
        return false;
    }

    /** Paths a browser opens: these may answer with a page. */
    private static boolean page(String pattern) {
        return pattern.startsWith("/ui") || pattern.startsWith("/incidents") || pattern.startsWith("/status")
                || pattern.startsWith("/ack") || pattern.equals("/dashboard") || pattern.equals("/login") || pattern.equals("/");
    }

    private void signIn() throws Exception {
        String login = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=ana&password=test-password-ana&_csrf=" + token(login)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).endsWith("/dashboard");
        csrf = token(client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dashboard")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String token(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF token in the page").isTrue();
        return m.group(1);
    }

    private static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }
}
