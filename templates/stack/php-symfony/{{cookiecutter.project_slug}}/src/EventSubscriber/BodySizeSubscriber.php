<?php

declare(strict_types=1);

namespace App\EventSubscriber;

use App\Support\Problem;
use App\Support\Settings;
use Symfony\Component\EventDispatcher\EventSubscriberInterface;
use Symfony\Component\HttpKernel\Event\RequestEvent;
use Symfony\Component\HttpKernel\KernelEvents;

/**
 * 413 for a body over MAX_REQUEST_BODY_BYTES (1 MiB), before routing or anything that parses it: by its
 * Content-Length, and, for a chunked body, by reading at most one byte past the limit of the body.
 */
final class BodySizeSubscriber implements EventSubscriberInterface
{
    public function __construct(private readonly Settings $settings)
    {
    }

    public static function getSubscribedEvents(): array
    {
        return [KernelEvents::REQUEST => ['onRequest', 256]];
    }

    public function onRequest(RequestEvent $event): void
    {
        if (!$event->isMainRequest()) {
            return;
        }
        $limit = $this->settings->maxBodyBytes;
        $declared = $event->getRequest()->headers->get('Content-Length');
        $tooLarge = $declared !== null
            ? !ctype_digit($declared) || strlen($declared) > 18 || (int) $declared > $limit
            : $this->streamLength($event->getRequest()->getContent(true), $limit + 1) > $limit;
        if ($tooLarge) {
            throw new Problem(413, sprintf('The request body is larger than %d bytes.', $limit));
        }
    }

    /**
     * How many bytes a body stream has, counting no further than `$most`.
     *
     * @param resource $stream
     */
    private function streamLength($stream, int $most): int
    {
        $read = 0;
        while ($read < $most && !feof($stream)) {
            $chunk = fread($stream, min(65536, $most - $read));
            if ($chunk === false || $chunk === '') {
                break;
            }
            $read += strlen($chunk);
        }

        return $read;
    }
}
