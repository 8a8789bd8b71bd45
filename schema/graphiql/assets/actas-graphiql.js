// actas's GraphiQL page: strawberry's, minus the CDN, the inline script and the token in URLs.
//
// - ?q= and ?variables= open a query (the API's /p/<reference> links do); the URL follows edits.
//   Headers never come from or go to the URL: they carry the API token. GraphiQL keeps them
//   in this browser's localStorage instead (shouldPersistHeaders), and read the schema again
//   once they change (the first read, without a token, was refused).
// - Subscriptions go over graphql-transport-ws at the same path; GraphiQL sends the Headers tab
//   (the Authorization header) as the connection_init payload, which is where the API reads it.
"use strict";

const EXAMPLE_QUERY = `# actas GraphiQL
#
# Paste your token into the Headers tab below,
# as \`actas demo\` prints it:
#   {"Authorization": "Bearer actas_..."}
# This browser keeps it; no URL carries it.
#
# Run: Ctrl-Enter or the play button.
# Complete: Ctrl-Space.

{
  viewer {
    user { name }
    organisations { slug name }
  }
}
`;

const parameters = Object.fromEntries(new URLSearchParams(window.location.search));

function updateURL(changes) {
  Object.assign(parameters, changes);
  const kept = Object.entries(parameters).filter(([key, value]) => key !== "headers" && value);
  history.replaceState(null, "", "?" + new URLSearchParams(kept).toString());
}

const fetchURL = window.location.href.split(/[?#]/)[0];

function webSocketURL(url) {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === "https:" ? "wss:" : "ws:";
  return parsed.toString();
}

function newFetcher() {
  return GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: webSocketURL(fetchURL) });
}

function isJSONObject(text) {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value);
  } catch {
    return false;
  }
}

// Without a token the schema cannot be read (401), so GraphiQL knows no types until it asks
// again. A new fetcher makes it ask: once the headers have stopped changing and are JSON.
function useFetcherFollowingHeaders() {
  const [fetcher, setFetcher] = React.useState(newFetcher);
  const pending = React.useRef(undefined);
  function onEditHeaders(edited) {
    clearTimeout(pending.current);
    pending.current = setTimeout(() => {
      if (isJSONObject(edited)) setFetcher(() => newFetcher());
    }, 500);
  }
  return [fetcher, onEditHeaders];
}

const explorer = GraphiQLPluginExplorer.explorerPlugin();

function ActasGraphiQL() {
  const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
  const [variables, setVariables] = React.useState(parameters.variables);
  const [fetcher, onEditHeaders] = useFetcherFollowingHeaders();
  return React.createElement(GraphiQL, {
    fetcher,
    onEditHeaders,
    plugins: [explorer],
    query,
    variables,
    onEditQuery(edited) {
      setQuery(edited);
      updateURL({ q: edited });
    },
    onEditVariables(edited) {
      setVariables(edited);
      updateURL({ variables: edited });
    },
    defaultEditorToolsVisibility: "headers", // where the token goes
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    inputValueDeprecation: true,
  });
}

if (parameters.headers) {
  updateURL({}); // an old link's ?headers= (a token) leaves the address bar and history entry
}
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(ActasGraphiQL),
);
