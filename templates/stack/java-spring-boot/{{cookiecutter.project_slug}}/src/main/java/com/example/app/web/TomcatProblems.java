package com.example.app.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * What Tomcat refuses before any servlet sees it (a path it will not decode) answers as problem
 * details too, not Tomcat's HTML error page.
 */
@Component
public class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(
        context -> {
          Host host = (Host) context.getParent();
          if (host instanceof StandardHost standard) {
            standard.setErrorReportValveClass(ProblemValve.class.getName());
          }
        });
  }

  /** Tomcat's error report as an RFC 9457 body (no stack trace, no server name). */
  public static class ProblemValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable error) {
      int status = response.getStatus();
      if (status < 400 || response.getContentWritten() > 0) {
        return;
      }
      if (status == HttpStatus.BAD_REQUEST.value()) {
        // a path Tomcat will not decode (an encoded backslash or control character) names no resource
        status = HttpStatus.NOT_FOUND.value();
        response.setStatus(status);
      }
      HttpStatus known = HttpStatus.resolve(status);
      String title = known == null ? "Error" : known.getReasonPhrase();
      try {
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        Writer writer = response.getReporter();
        if (writer != null) {
          writer.write(
              "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                  + ",\"detail\":\"" + title + "\"}");
        }
      } catch (IOException | IllegalStateException e) {
        // the connection is gone: nothing to report to
      }
    }
  }
}
