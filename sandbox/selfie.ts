/**
 * A 48x48 grey silhouette JPEG (480 bytes) served as every user's selfie: the
 * sandbox has no faces, and a real image keeps `<img>` and download code honest.
 */
const SELFIE_BASE64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAwADADASIAAhEBAxEB/8QAGgAAAQUBAAAAAAAAAAAAAAAAAAECAwUGBP/EACMQAAICAgEEAgMAAAAAAAAAAAECAwAEETEFEiFBInFhsdH/xAAWAQEBAQAAAAAAAAAAAAAAAAABAAL/xAAWEQEBAQAAAAAAAAAAAAAAAAAAEQH/2gAMAwEAAhEDEQA/ANzCESaBYSnyeoWWORUxRPWuTGUZ11TDuYuvsH+xgq7hGowdA6nYYbEdAiMtUvU6g6JUgR8JJmyCDojRESXWRg1XsXBKMeSPcbR06qpgzsXI42NCNETYaFMStW51uTwhAiQ5GRXjp3OfJ4A5MmlBlWm7IdyfG9D6iE9nUr2J7AqD62YidSyFPy7XH5Gv1OOEQvcXLryRofFxypnRM7W7VWK6Hyp3NArB0DDgjYgcf//Z';

/** The placeholder selfie as an image response. */
export function selfieResponse(): Response {
  const bytes = Uint8Array.from(atob(SELFIE_BASE64), (c) => c.charCodeAt(0));
  return new Response(bytes, {
    headers: { 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=300' },
  });
}
