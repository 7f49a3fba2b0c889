<?php
header('X-Served-By: php');
?>
<!DOCTYPE html>
<html>
<head><title>Page 2</title></head>
<body>
<h1>Page 2 (PHP)</h1>
<p>This is <code>page-2.php</code>, rendered by PHP.</p>
</body>
</html>
