package com.example.app.domain;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** The accounts. */
public interface Users extends JpaRepository<User, Integer> {
  Optional<User> findByEmail(String email);
}
