package com.example.app.api;

import java.time.Instant;

/** What every entity row has: its owner (the user who created it) and its timestamps. */
public interface Row {

  Object rowId();

  void own(Integer ownerId);

  void touch(Instant now, boolean created);
}
