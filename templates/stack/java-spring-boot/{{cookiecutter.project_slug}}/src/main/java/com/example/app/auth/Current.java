package com.example.app.auth;

import com.example.app.domain.User;

/** The authenticated user of a request and the server-side session its credential names. */
public record Current(User user, String sessionId) {}
