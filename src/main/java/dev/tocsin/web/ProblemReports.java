package dev.tocsin.web;

import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Puts {@link ProblemReportValve} in the place of Tomcat's error report. Spring Boot adds its own report valve from a
 * customizer of order 0; this one runs last, replaces it, and names the class to the host, which would otherwise add
 * Tomcat's default at start.
 */
@Component
class ProblemReports implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Pipeline hostPipeline = context.getParent().getPipeline();
            for (Valve valve : hostPipeline.getValves()) {
                if (valve instanceof ErrorReportValve) {
                    hostPipeline.removeValve(valve);
                }
            }
            hostPipeline.addValve(new ProblemReportValve());
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
