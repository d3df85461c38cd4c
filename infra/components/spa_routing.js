// CloudFront Function (cloudfront-js-2.0), viewer request of the web app's default behavior only.
// A path whose last segment has no file extension is a client-side route of the SPA: serve index.html.
// Files (/assets/app-1a2b.js, /config.json) pass through; /graphql and /webhooks/* have their own behaviors.
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
