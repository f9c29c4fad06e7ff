package com.example.app.web;

import com.example.app.config.Settings;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;

/**
 * The client's address: the connection's peer, or, when that peer is one of TRUSTED_PROXIES, the
 * last X-Forwarded-For entry that is not itself a trusted proxy.
 */
@Component
public class ClientAddress {

  private final List<IpAddressMatcher> proxies;

  public ClientAddress(Settings settings) {
    this.proxies = settings.trustedProxyList().stream().map(IpAddressMatcher::new).toList();
  }

  public String of(HttpServletRequest request) {
    String peer = request.getRemoteAddr();
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null || !trusted(peer)) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trusted(hop)) {
        return hop;
      }
    }
    return peer;
  }

  private boolean trusted(String address) {
    try {
      return proxies.stream().anyMatch(p -> p.matches(address));
    } catch (IllegalArgumentException e) {
      return false; // not an IP address
    }
  }
}
