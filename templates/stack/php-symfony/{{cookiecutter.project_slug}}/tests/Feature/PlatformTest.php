<?php

declare(strict_types=1);

namespace Tests\Feature;

use App\Support\Settings;
use Tests\TestCase;

/** Health, metrics, headers, errors and limits: what every response and every request goes through. */
final class PlatformTest extends TestCase
{
    public function testLivenessAndReadiness(): void
    {
        $this->json('GET', '/health/live')->assertStatus(200)->assertExactJson(['status' => 'ok']);
        $this->json('GET', '/health/ready')->assertStatus(200)->assertExactJson(['status' => 'ok']);
    }

    public function testSecurityHeadersOnEveryResponse(): void
    {
        foreach (['/health/live', '/no/such/route', '/api/v1/users/me'] as $path) {
            $response = $this->json('GET', $path);
            $response->assertHeader('X-Content-Type-Options', 'nosniff');
            $response->assertHeader('X-Frame-Options', 'DENY');
            $response->assertHeader('Referrer-Policy', 'no-referrer');
            $response->assertHeader('Content-Security-Policy');
            $response->assertHeaderMissing('X-Powered-By');
            $this->assertStringContainsString('no-store', (string) $response->headers->get('Cache-Control'));
        }
    }

    public function testUnknownRouteIsAProblem(): void
    {
        $response = $this->json('GET', '/no/such/route')->assertStatus(404)->assertHeader('Content-Type', 'application/problem+json');
        $this->assertSame(['type' => 'about:blank', 'title' => 'Not Found', 'status' => 404], array_diff_key($response->json(), ['detail' => 0]));
    }

    public function testMalformedJsonIs400(): void
    {
        $this->call('POST', '/api/v1/auth/login', [], ['CONTENT_TYPE' => 'application/json', 'CONTENT_LENGTH' => '10'], '{"email": ')
            ->assertStatus(400)->assertHeader('Content-Type', 'application/problem+json');
    }

    public function testOversizedBodyIs413BeforeParsing(): void
    {
        $body = json_encode(['email' => 'a@example.com', 'password' => str_repeat('x', 2 * 1024 * 1024)]);
        $this->call('POST', '/api/v1/auth/login', [], ['CONTENT_TYPE' => 'application/json', 'CONTENT_LENGTH' => (string) strlen($body)], $body)
            ->assertStatus(413);
    }

    public function testInteractiveDocsAreNotServed(): void
    {
        foreach (['/docs', '/redoc', '/swagger-ui', '/api-docs'] as $path) {
            $this->json('GET', $path)->assertStatus(404);
        }
    }

    public function testMetricsWhenObserved(): void
    {
        $model = json_decode((string) file_get_contents(__DIR__ . '/../../resources/model.json'), true, 512, JSON_THROW_ON_ERROR);
        $response = $this->json('GET', '/metrics');
        if (!$model['metrics']) {
            $response->assertStatus(404);

            return;
        }
        $response->assertStatus(200);
        $this->assertStringStartsWith('text/plain', (string) $response->headers->get('Content-Type'));
        $this->assertStringContainsString('# TYPE http_requests_total counter', (string) $response->getContent());
    }

    public function testPlaceholderAndShortSecretsAreRefused(): void
    {
        $this->assertNotNull(Settings::secretProblem('change-me-to-a-long-random-string'));
        $this->assertNotNull(Settings::secretProblem('too short'));
        $this->assertNull(Settings::secretProblem(bin2hex(random_bytes(32))));
    }
}
