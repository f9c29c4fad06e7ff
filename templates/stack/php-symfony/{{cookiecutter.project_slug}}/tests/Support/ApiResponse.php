<?php

declare(strict_types=1);

namespace Tests\Support;

use PHPUnit\Framework\Assert;
use Symfony\Component\HttpFoundation\Cookie;
use Symfony\Component\HttpFoundation\ResponseHeaderBag;
use Symfony\Component\HttpFoundation\Response;

/** A response of the application under test, with the assertions the feature tests make on it. */
final class ApiResponse
{
    public readonly ResponseHeaderBag $headers;

    public function __construct(private readonly Response $response)
    {
        $this->headers = $response->headers;
    }

    public function status(): int
    {
        return $this->response->getStatusCode();
    }

    public function assertStatus(int $status): self
    {
        Assert::assertSame($status, $this->status(), 'status of ' . substr((string) $this->response->getContent(), 0, 500));

        return $this;
    }

    /** The decoded JSON body, or one of its top-level members. */
    public function json(?string $member = null): mixed
    {
        $body = json_decode((string) $this->response->getContent(), true, 512, JSON_THROW_ON_ERROR);

        return $member === null ? $body : ($body[$member] ?? null);
    }

    /** @param array<string, mixed> $expected */
    public function assertExactJson(array $expected): self
    {
        Assert::assertSame($expected, $this->json());

        return $this;
    }

    public function assertHeader(string $name, ?string $value = null): self
    {
        Assert::assertTrue($this->headers->has($name), "no $name header");
        if ($value !== null) {
            Assert::assertSame($value, $this->headers->get($name));
        }

        return $this;
    }

    public function assertHeaderMissing(string $name): self
    {
        Assert::assertFalse($this->headers->has($name), "unexpected $name header");

        return $this;
    }

    public function getCookie(string $name): ?Cookie
    {
        foreach ($this->headers->getCookies() as $cookie) {
            if ($cookie->getName() === $name) {
                return $cookie;
            }
        }

        return null;
    }

    public function getContent(): string
    {
        return (string) $this->response->getContent();
    }
}
