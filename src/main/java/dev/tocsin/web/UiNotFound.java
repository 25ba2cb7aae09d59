package dev.tocsin.web;

import dev.tocsin.problem.NotFoundException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/** A page that does not exist answers the browser with a page (404), not the API's problem JSON. */
@ControllerAdvice(assignableTypes = {UiController.class, IncidentListPage.class, ServicePages.class, MonitorPages.class,
        MaintenancePages.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class UiNotFound {

    @ExceptionHandler(NotFoundException.class)
    ModelAndView notFound(NotFoundException e) {
        ModelAndView page = new ModelAndView("not-found");
        page.addObject("message", e.getMessage());
        page.setStatus(HttpStatus.NOT_FOUND);
        return page;
    }

    /** An address whose id is not one ({@code /incidents/abc}) names no page either; a browser is not sent JSON. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ModelAndView malformed(MethodArgumentTypeMismatchException e) {
        return notFound(new NotFoundException(e.getName() + " '" + e.getValue() + "' does not exist"));
    }
}
