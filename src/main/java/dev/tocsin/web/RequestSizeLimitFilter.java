package dev.tocsin.web;

import java.io.IOException;

import dev.tocsin.config.TocsinConfig;
import dev.tocsin.problem.BodyLimit;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Applies the {@link BodyLimit} to every request that reaches Spring: 413 instead of buffering an oversized body. */
@Component
// Second: the Events API filter (EventsApiEndpoint) runs first and applies the same limit itself.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final BodyLimit limit;

    RequestSizeLimitFilter(TocsinConfig config) {
        this.limit = new BodyLimit(config.limits().maxBodyBytes());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            limit.checkDeclared(request);
        } catch (BodyLimit.TooLargeException e) {
            BodyLimit.refuse(response, e);
            return;
        }
        try {
            chain.doFilter(limit.limited(request), response);
        } catch (ServletException | IOException e) {
            if (BodyLimit.isTooLarge(e) && !response.isCommitted()) {
                response.resetBuffer();
                BodyLimit.refuse(response, e);
                return;
            }
            throw e;
        }
    }
}
